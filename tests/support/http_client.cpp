#include "http_client.h"

#include <utility>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <cctype>

namespace onlooker::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

HttpResult http_get(unsigned short port, const std::string& target,
                    const std::map<std::string, std::string>& headers) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(10));
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));

  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  request.set(http::field::user_agent, "onlooker-tests");
  for (const auto& [name, value] : headers) request.set(name, value);
  http::write(stream, request);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::read(stream, buffer, parser);
  auto response = parser.release();

  HttpResult result;
  result.status = static_cast<int>(response.result_int());
  for (const auto& field : response) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    result.headers[name] = std::string(field.value());
  }
  result.body = std::move(response.body());
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return result;
}

struct WebSocketClient::Impl {
  asio::io_context io;
  websocket::stream<beast::tcp_stream> ws{io};
  beast::flat_buffer buffer;
};

WebSocketClient::WebSocketClient(unsigned short port, const std::string& target,
                                 const std::map<std::string, std::string>& headers)
    : impl_(std::make_unique<Impl>()) {
  auto& lowest = beast::get_lowest_layer(impl_->ws);
  lowest.expires_after(std::chrono::seconds(10));
  lowest.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  websocket::permessage_deflate deflate;
  deflate.client_enable = true;  // as browsers do
  impl_->ws.set_option(deflate);
  impl_->ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
    for (const auto& [name, value] : headers) req.set(name, value);
  }));
  impl_->ws.handshake("127.0.0.1:" + std::to_string(port), target);
  lowest.expires_never();
}

WebSocketClient::~WebSocketClient() {
  beast::error_code ignored;
  beast::get_lowest_layer(impl_->ws).socket().close(ignored);
}

std::optional<std::string> WebSocketClient::read(std::chrono::milliseconds timeout) {
  // Asynchronous read driven for at most `timeout`: Beast's synchronous
  // reads have no timeout of their own.
  std::optional<std::string> message;
  bool done = false;
  impl_->ws.async_read(impl_->buffer, [&](beast::error_code ec, std::size_t) {
    done = true;
    if (!ec) {
      message = beast::buffers_to_string(impl_->buffer.data());
      impl_->buffer.consume(impl_->buffer.size());
    }
  });
  impl_->io.restart();
  impl_->io.run_for(timeout);
  if (!done) {
    // Abandon the pending read: the connection is of no further use.
    beast::error_code ignored;
    beast::get_lowest_layer(impl_->ws).socket().cancel(ignored);
    impl_->io.restart();
    impl_->io.run_for(std::chrono::milliseconds(100));
    throw std::runtime_error("no WebSocket message within the timeout");
  }
  return message;
}

}  // namespace onlooker::test
