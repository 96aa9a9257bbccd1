// One HTTP connection to onlookerd: reads requests with limits, asks the
// router what to do, and does it: writes the response, hands a /ws upgrade
// to a WebSocketSession, or runs a history query on the blocking pool.
#pragma once

#include <utility>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <memory>
#include <optional>

#include "connection_limit.h"
#include "http_routes.h"

namespace onlooker {

struct Services;

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, Services& services, ConnectionSlot slot);
  void run();

 private:
  void do_read();
  void on_read(boost::beast::error_code ec);
  void on_write(bool keep_alive, boost::beast::error_code ec);
  void do_close();
  void upgrade(Request request, WebSocketUpgrade upgrade);
  void run_history(Request request, HistoryJob job);
  void write(Response response);

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  Services& services_;
  ConnectionSlot slot_;
  bool peer_loopback_ = false;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<Response> response_;
};

}  // namespace onlooker
