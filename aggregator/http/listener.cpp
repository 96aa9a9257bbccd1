#include "listener.h"

#include "http_session.h"
#include "log.h"

namespace onlooker {

Listener::Listener(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
                   Services& services)
    : io_(io), acceptor_(io), services_(services) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(boost::asio::socket_base::max_listen_connections);
}

void Listener::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

void Listener::do_accept() {
  acceptor_.async_accept(io_, [self = shared_from_this()](boost::system::error_code ec,
                                                          boost::asio::ip::tcp::socket socket) {
    if (ec == boost::asio::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors, typically: keep accepting once some are back.
      log::warn("msg=\"accept failed\" error=\"" + ec.message() + "\"");
    } else {
      std::make_shared<HttpSession>(std::move(socket), self->services_)->run();
    }
    self->do_accept();
  });
}

}  // namespace onlooker
