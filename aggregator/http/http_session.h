// One HTTP connection to onlookerd: reads requests with limits, answers them
// through http_routes, and hands /ws upgrades to a WebSocketSession.
#pragma once

#include <utility>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <memory>
#include <optional>

#include "http_routes.h"

namespace onlooker {

struct Services;

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, Services& services);
  void run();

 private:
  void do_read();
  void on_read(boost::beast::error_code ec);
  void on_write(bool keep_alive, boost::beast::error_code ec);
  void do_close();
  void answer_history(Request request);
  void write(Response response);

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  Services& services_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<Response> response_;
};

}  // namespace onlooker
