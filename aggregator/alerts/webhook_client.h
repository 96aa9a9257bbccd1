// One POST of a JSON body to a webhook, on the caller's io_context (the
// delivery thread's): resolve, connect, (https: TLS handshake, the
// receiver's certificate verified for the URL's host), write, read the
// reply, all within `timeout`. No retries here; AlertDelivery decides those.
#pragma once

#include <utility>  // before Asio: GCC 12 with Boost 1.74's awaitable needs std::exchange
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "webhook_url.h"

namespace boost::asio::ssl {
class context;
}

namespace onlooker {

struct WebhookReply {
  int status = 0;     // 0: no HTTP reply (see error)
  std::string error;  // empty when an HTTP reply came
  bool ok() const { return status >= 200 && status < 300; }
};

// The TLS settings https:// webhooks use: peers verified against the
// system's CA store (OpenSSL's default paths) and, when `extra_ca_file` is
// not empty, the CAs in that PEM file too. Throws when the file is unusable.
std::shared_ptr<boost::asio::ssl::context> webhook_tls_context(const std::string& extra_ca_file);

// `tls` is required for an https:// url (webhook_tls_context()). The url and
// body are taken by value: a coroutine runs after its caller's full
// expression, so a reference could name a temporary already gone.
boost::asio::awaitable<WebhookReply> post_webhook(WebhookUrl url, std::string body,
                                                  std::chrono::milliseconds timeout,
                                                  boost::asio::ssl::context* tls = nullptr);

}  // namespace onlooker
