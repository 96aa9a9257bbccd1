// Accepts TCP connections on --listen and starts an HttpSession for each,
// within --max-connections. Out of file descriptors (EMFILE/ENFILE), it
// pauses accepting for a moment instead of retrying at once (which spun a
// core and flooded the log), and logs that once per interval with a count.
#pragma once

#include <utility>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
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

  static constexpr auto descriptor_pause = std::chrono::milliseconds(200);
  static constexpr auto log_interval = std::chrono::seconds(10);

 private:
  void do_accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);
  void out_of_descriptors(const boost::system::error_code& ec);
  void refuse_busy(boost::asio::ip::tcp::socket& socket);

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer pause_;
  Services& services_;
  std::uint64_t unlogged_failures_ = 0;
  std::uint64_t unlogged_refusals_ = 0;
  std::chrono::steady_clock::time_point last_failure_log_{};
  std::chrono::steady_clock::time_point last_refusal_log_{};
};

}  // namespace onlooker
