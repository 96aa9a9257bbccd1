// Accepts TCP connections on --listen and starts an HttpSession for each.
#pragma once

#include <utility>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <memory>

namespace onlooker {

struct Services;

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Throws boost::system::system_error when the address cannot be bound.
  Listener(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
           Services& services);
  void run() { do_accept(); }
  void stop();
  boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

 private:
  void do_accept();

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  Services& services_;
};

}  // namespace onlooker
