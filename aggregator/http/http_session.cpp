#include "http_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <nlohmann/json.hpp>

#include "history_api.h"
#include "live_hub.h"
#include "log.h"
#include "query_string.h"
#include "services.h"
#include "websocket_session.h"

namespace onlooker {

namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// Limits that make slowloris and oversized requests cheap to refuse.
constexpr std::size_t max_header_bytes = 8 * 1024;
constexpr std::size_t max_body_bytes = 1024;
constexpr auto read_timeout = std::chrono::seconds(30);

}  // namespace

HttpSession::HttpSession(boost::asio::ip::tcp::socket&& socket, Services& services)
    : stream_(std::move(socket)), services_(services) {}

void HttpSession::run() {
  boost::asio::dispatch(stream_.get_executor(),
                        beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
}

void HttpSession::do_read() {
  parser_.emplace();
  parser_->header_limit(max_header_bytes);
  parser_->body_limit(max_body_bytes);
  stream_.expires_after(read_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, std::size_t) {
                     self->on_read(ec);
                   });
}

void HttpSession::on_read(beast::error_code ec) {
  if (ec == http::error::end_of_stream) return do_close();
  if (ec) {
    if (ec != beast::error::timeout && ec != boost::asio::error::operation_aborted &&
        ec != boost::asio::error::connection_reset) {
      // A malformed or oversized request: answer 400 and close.
      Response response{http::status::bad_request, 11};
      response.set(http::field::connection, "close");
      response.body() = "bad request\n";
      response.prepare_payload();
      response_ = std::make_shared<Response>(std::move(response));
      http::async_write(stream_, *response_,
                        [self = shared_from_this()](beast::error_code, std::size_t) {
                          self->do_close();
                        });
    }
    return;
  }

  Request request = parser_->release();
  if (beast::websocket::is_upgrade(request) && is_websocket_route(request)) {
    if (auto refused = refuse_websocket(request, services_.access)) {
      refused->keep_alive(false);
      response_ = std::make_shared<Response>(std::move(*refused));
      http::async_write(stream_, *response_,
                        [self = shared_from_this()](beast::error_code, std::size_t) {
                          self->do_close();
                        });
      return;
    }
    const auto target = split_target(request.target());
    auto host = query_param(target.query, "host").value_or("");
    const bool count_only = query_param(target.query, "count").has_value();
    std::make_shared<WebSocketSession>(stream_.release_socket(), services_.hub, std::move(host),
                                       count_only)
        ->run(std::move(request));
    return;
  }

  if (split_target(request.target()).path == "/api/history" &&
      request.method() == http::verb::get) {
    return answer_history(std::move(request));
  }
  write(handle_request(request, services_.hub, services_.access, services_.metrics));
}

void HttpSession::write(Response response) {
  response_ = std::make_shared<Response>(std::move(response));
  const bool keep_alive = response_->keep_alive();
  http::async_write(stream_, *response_,
                    [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                      self->on_write(keep_alive, ec);
                    });
}

// Validated here; queried on the blocking pool; answered back on this
// session's executor.
void HttpSession::answer_history(Request request) {
  if (auto refused = refuse_protected(request, services_.access)) return write(std::move(*refused));
  auto parsed = parse_history_request(split_target(request.target()).query, unix_now_ms());
  if (auto* problem = std::get_if<std::string>(&parsed)) {
    nlohmann::json error{{"error", *problem}};
    return write(json_answer(request, http::status::bad_request, error.dump()));
  }
  boost::asio::post(services_.blocking, [self = shared_from_this(), request = std::move(request),
                                         query = std::get<HistoryRequest>(parsed)]() mutable {
    Response response;
    try {
      response = json_answer(request, http::status::ok, self->services_.history.run(query));
    } catch (const std::exception& failure) {
      log::error(std::string("msg=\"history query failed\" error=\"") + failure.what() + "\"");
      response = json_answer(request, http::status::service_unavailable,
                             R"({"error":"history is unavailable right now"})");
    }
    boost::asio::post(self->stream_.get_executor(),
                      [self, response = std::move(response)]() mutable {
                        self->write(std::move(response));
                      });
  });
}

void HttpSession::on_write(bool keep_alive, beast::error_code ec) {
  if (ec) return;
  if (!keep_alive) return do_close();
  response_.reset();
  do_read();
}

void HttpSession::do_close() {
  beast::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
}

}  // namespace onlooker
