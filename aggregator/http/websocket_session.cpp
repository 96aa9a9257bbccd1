#include "websocket_session.h"

#include "live_hub.h"
#include "log.h"

namespace onlooker {

namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

// Clients only send control frames; anything bigger than this is abuse.
constexpr std::size_t max_client_message = 4096;

void fail(beast::error_code ec, const char* what) {
  if (ec == boost::asio::error::operation_aborted || ec == websocket::error::closed ||
      ec == beast::error::timeout || ec == boost::asio::error::eof ||
      ec == boost::asio::error::connection_reset) {
    return;
  }
  log::warn(std::string("msg=\"websocket ") + what + "\" error=\"" + ec.message() + "\"");
}

}  // namespace

WebSocketSession::WebSocketSession(boost::asio::ip::tcp::socket&& socket, LiveHub& hub,
                                   std::string host_filter, bool count_only,
                                   SiteScope scope, ConnectionSlot slot)
    : ws_(std::move(socket)),
      hub_(hub),
      host_filter_(std::move(host_filter)),
      count_only_(count_only),
      scope_(std::move(scope)),
      slot_(std::move(slot)) {}

void WebSocketSession::run(beast::http::request<beast::http::string_body> upgrade) {
  // Pings an idle client and closes one that stops answering.
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
    response.set(beast::http::field::server, "onlookerd");
  }));
  ws_.read_message_max(max_client_message);
  // Snapshots are repetitive JSON: deflate shrinks them several times over
  // for clients that offer it (browsers do). Each connection keeps its own
  // compressor, so its memory is kept small: a 1 KiB window (plenty for
  // repeated JSON keys) instead of zlib's 32 KiB, and a small hash table —
  // about 20 KB a client instead of about 100 KB. The count-only socket's
  // messages are a few bytes: it does not compress at all.
  websocket::permessage_deflate deflate;
  deflate.server_enable = !count_only_;
  deflate.server_max_window_bits = 10;
  deflate.client_max_window_bits = 10;
  deflate.memLevel = 2;
  deflate.compLevel = 1;
  ws_.set_option(deflate);
  ws_.async_accept(upgrade, beast::bind_front_handler(&WebSocketSession::on_accept,
                                                      shared_from_this()));
}

void WebSocketSession::on_accept(beast::error_code ec) {
  if (ec) return fail(ec, "accept");
  open_ = true;
  hub_.join(shared_from_this());
  do_read();
}

void WebSocketSession::do_read() {
  ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->on_read(ec);
  });
}

void WebSocketSession::on_read(beast::error_code ec) {
  if (ec) {
    open_ = false;
    return fail(ec, "read");
  }
  buffer_.consume(buffer_.size());  // messages from clients are ignored
  do_read();
}

void WebSocketSession::send(std::shared_ptr<const std::string> message) {
  if (!open_) return;
  next_ = std::move(message);
  if (!writing_) do_write();
}

void WebSocketSession::do_write() {
  writing_ = std::move(next_);
  ws_.text(true);
  ws_.async_write(boost::asio::buffer(*writing_),
                  [self = shared_from_this()](beast::error_code ec, std::size_t) {
                    self->on_write(ec);
                  });
}

void WebSocketSession::on_write(beast::error_code ec) {
  writing_.reset();
  if (ec) {
    open_ = false;
    return fail(ec, "write");
  }
  if (next_) do_write();
}

}  // namespace onlooker
