#include "http_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include "history_api.h"
#include "log.h"
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

bool is_loopback(const boost::asio::ip::tcp::socket& socket) {
  boost::system::error_code ec;
  const auto peer = socket.remote_endpoint(ec);
  if (ec) return false;
  const auto address = peer.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6())
        .is_loopback();
  }
  return address.is_loopback();
}

}  // namespace

HttpSession::HttpSession(boost::asio::ip::tcp::socket&& socket, Services& services,
                         ConnectionSlot slot)
    : stream_(std::move(socket)), services_(services), slot_(std::move(slot)) {
  peer_loopback_ = is_loopback(stream_.socket());
}

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
      write(bad_request());  // malformed or oversized: answer and close
    }
    return;
  }
  Request request = parser_->release();
  auto routed =
      route(request, Caller{peer_loopback_}, services_.hub, services_.access, services_.metrics);
  if (auto* upgrading = std::get_if<WebSocketUpgrade>(&routed)) {
    return upgrade(std::move(request), std::move(*upgrading));
  }
  if (auto* job = std::get_if<HistoryJob>(&routed)) {
    return run_history(std::move(request), std::move(*job));
  }
  auto& response = std::get<Response>(routed);
  // A refused upgrade closes: the client expected to leave HTTP behind.
  if (beast::websocket::is_upgrade(request)) response.keep_alive(false);
  write(std::move(response));
}

void HttpSession::upgrade(Request request, WebSocketUpgrade upgrade) {
  std::make_shared<WebSocketSession>(stream_.release_socket(), services_.hub,
                                     std::move(upgrade.host), upgrade.count_only,
                                     std::move(upgrade.scope), std::move(slot_))
      ->run(std::move(request));
}

void HttpSession::write(Response response) {
  response_ = std::make_shared<Response>(std::move(response));
  const bool keep_alive = response_->keep_alive();
  http::async_write(stream_, *response_,
                    [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                      self->on_write(keep_alive, ec);
                    });
}

// Queried on the blocking pool; answered back on this session's executor.
void HttpSession::run_history(Request request, HistoryJob job) {
  boost::asio::post(services_.blocking, [self = shared_from_this(), request = std::move(request),
                                         job = std::move(job)]() mutable {
    Response response;
    try {
      auto& history = self->services_.history;
      response = job.csv ? csv_answer(request, "onlooker-" + std::string(to_string(*job.csv)) + ".csv",
                                      history.csv(job.query, *job.csv))
                         : json_answer(request, http::status::ok, history.run(job.query));
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
