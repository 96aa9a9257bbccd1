// One POST of a JSON body to a webhook, on the caller's io_context (the
// delivery thread's): resolve, connect, write, read the reply, all within
// `timeout`. No retries here; AlertDelivery decides those.
#pragma once

#include <utility>  // before Asio: GCC 12 with Boost 1.74's awaitable needs std::exchange
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

#include "webhook_url.h"

namespace onlooker {

struct WebhookReply {
  int status = 0;     // 0: no HTTP reply (see error)
  std::string error;  // empty when an HTTP reply came
  bool ok() const { return status >= 200 && status < 300; }
};

boost::asio::awaitable<WebhookReply> post_webhook(const WebhookUrl& url, const std::string& body,
                                                  std::chrono::milliseconds timeout);

}  // namespace onlooker
