#include "webhook_client.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "onlooker_version.h"

namespace onlooker {

namespace beast = boost::beast;
namespace http = beast::http;
using boost::asio::use_awaitable;

boost::asio::awaitable<WebhookReply> post_webhook(const WebhookUrl& url, const std::string& body,
                                                  std::chrono::milliseconds timeout) {
  auto executor = co_await boost::asio::this_coro::executor;
  boost::asio::ip::tcp::resolver resolver(executor);
  beast::tcp_stream stream(executor);
  WebhookReply reply;
  try {
    // The resolver has no timeout of its own; names are expected in
    // /etc/hosts or a local resolver (a stuck DNS holds this target's queue).
    const auto endpoints = co_await resolver.async_resolve(url.host, url.port, use_awaitable);
    stream.expires_after(timeout);
    co_await stream.async_connect(endpoints, use_awaitable);
    http::request<http::string_body> request{http::verb::post, url.target, 11};
    request.set(http::field::host, url.host_header);
    request.set(http::field::user_agent, std::string("onlookerd/") + ONLOOKER_VERSION);
    request.set(http::field::content_type, "application/json");
    request.set(http::field::connection, "close");
    request.body() = body;
    request.prepare_payload();
    co_await http::async_write(stream, request, use_awaitable);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024);  // a receiver's reply is read and dropped
    co_await http::async_read(stream, buffer, parser, use_awaitable);
    reply.status = static_cast<int>(parser.get().result_int());
  } catch (const boost::system::system_error& failure) {
    reply.error = failure.code() == beast::error::timeout ? "timed out" : failure.code().message();
  }
  beast::error_code ignored;
  stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  co_return reply;
}

}  // namespace onlooker
