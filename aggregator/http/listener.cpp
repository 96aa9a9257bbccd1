#include "listener.h"

#include <cerrno>

#include "connection_limit.h"
#include "http_session.h"
#include "log.h"
#include "services.h"

namespace onlooker {

namespace {

bool descriptors_exhausted(const boost::system::error_code& ec) {
  return ec == boost::asio::error::no_descriptors ||
         (ec.category() == boost::system::system_category() && ec.value() == ENFILE);
}

// True (and resets `count`) when a line about `count` events is due.
bool log_due(std::chrono::steady_clock::time_point& last, std::uint64_t& count) {
  const auto now = std::chrono::steady_clock::now();
  ++count;
  if (last != std::chrono::steady_clock::time_point{} && now - last < Listener::log_interval) {
    return false;
  }
  last = now;
  return true;
}

}  // namespace

Listener::Listener(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
                   Services& services)
    : io_(io), acceptor_(io), pause_(io), services_(services) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(boost::asio::socket_base::max_listen_connections);
}

void Listener::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  pause_.cancel();
}

void Listener::do_accept() {
  acceptor_.async_accept(io_, [self = shared_from_this()](boost::system::error_code ec,
                                                          boost::asio::ip::tcp::socket socket) {
    self->on_accept(ec, std::move(socket));
  });
}

void Listener::on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket) {
  if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (descriptors_exhausted(ec)) return out_of_descriptors(ec);
  if (ec) {
    log::warn("msg=\"accept failed\" error=\"" + ec.message() + "\"");
  } else if (auto slot = services_.connections.try_acquire()) {
    std::make_shared<HttpSession>(std::move(socket), services_, std::move(*slot))->run();
  } else {
    refuse_busy(socket);
  }
  do_accept();
}

// The waiting connection stays in the kernel's backlog; it is accepted once
// a descriptor is free again.
void Listener::out_of_descriptors(const boost::system::error_code& ec) {
  if (log_due(last_failure_log_, unlogged_failures_)) {
    log::warn("msg=\"accept failed: out of file descriptors; pausing accepts\" error=\"" +
              ec.message() + "\" failures=" + std::to_string(unlogged_failures_));
    unlogged_failures_ = 0;
  }
  pause_.expires_after(descriptor_pause);
  pause_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
    if (!wait_ec) self->do_accept();
  });
}

// Past --max-connections: a short 503, written without waiting (it fits in
// a fresh socket's buffer), and the connection closed.
void Listener::refuse_busy(boost::asio::ip::tcp::socket& socket) {
  static constexpr std::string_view busy =
      "HTTP/1.1 503 Service Unavailable\r\nServer: onlookerd\r\nConnection: close\r\n"
      "Retry-After: 5\r\nContent-Type: text/plain\r\nContent-Length: 22\r\n\r\n"
      "too many connections\r\n";
  boost::system::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(boost::asio::buffer(busy.data(), busy.size()), ignored);
  socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
  if (log_due(last_refusal_log_, unlogged_refusals_)) {
    log::warn("msg=\"connection refused: --max-connections reached\" max=" +
              std::to_string(services_.connections.max()) +
              " refused=" + std::to_string(unlogged_refusals_));
    unlogged_refusals_ = 0;
  }
}

}  // namespace onlooker
