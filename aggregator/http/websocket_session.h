// One WebSocket client of /ws. It only receives: the hub hands it snapshots
// and it keeps just the newest one not yet written ("latest wins"), so a
// slow client skips stale snapshots instead of growing a queue.
#pragma once

#include <utility>  // Boost 1.74's Asio needs std::exchange declared first
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <memory>
#include <string>

#include "connection_limit.h"
#include "live_client.h"

namespace onlooker {

class LiveHub;

class WebSocketSession final : public LiveClient,
                               public std::enable_shared_from_this<WebSocketSession> {
 public:
  // `count_only`: the public /ws?count stream, {"type":"count","active":n}.
  // `slot`: this connection's place under --max-connections.
  WebSocketSession(boost::asio::ip::tcp::socket&& socket, LiveHub& hub, std::string host_filter,
                   bool count_only, SiteScope scope, ConnectionSlot slot);

  void run(boost::beast::http::request<boost::beast::http::string_body> upgrade);
  void send(std::shared_ptr<const std::string> message) override;
  const std::string& host_filter() const override { return host_filter_; }
  bool count_only() const override { return count_only_; }
  const SiteScope& scope() const override { return scope_; }

 private:
  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec);
  void do_write();
  void on_write(boost::beast::error_code ec);

  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
  boost::beast::flat_buffer buffer_;
  LiveHub& hub_;
  std::string host_filter_;
  bool count_only_;
  SiteScope scope_;
  bool open_ = false;
  ConnectionSlot slot_;
  std::shared_ptr<const std::string> writing_;
  std::shared_ptr<const std::string> next_;
};

}  // namespace onlooker
