// The live view's home on the I/O thread: owns the live set, the WebSocket
// clients, and the timers that expire visitors and push coalesced snapshots.
// Everything here runs on the single io_context thread, so nothing in it
// needs a lock; the drain thread reaches it only through publish().
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "hit_feed.h"
#include "live_set.h"
#include "ring_reader.h"

namespace onlooker {

class WebSocketSession;

struct LiveSettings {
  std::chrono::seconds active_window{300};
  std::chrono::milliseconds push_interval{1000};
};

class LiveHub final : public HitFeed {
 public:
  LiveHub(boost::asio::io_context& io, const RingReader& ring, LiveSettings settings);

  void start();
  void stop();
  // Any thread: queues the hits for the I/O thread.
  void publish(std::vector<Hit> hits) override;

  // I/O thread only.
  std::string snapshot_json(const std::string& host, bool with_type) const;
  void join(const std::shared_ptr<WebSocketSession>& session);
  std::size_t client_count();

 private:
  void apply(const std::vector<Hit>& hits);
  void request_push();
  void push();
  void schedule_expiry();

  boost::asio::io_context& io_;
  const RingReader& ring_;
  LiveSettings settings_;
  LiveSet live_;
  std::vector<std::weak_ptr<WebSocketSession>> sessions_;
  boost::asio::steady_timer push_timer_;
  boost::asio::steady_timer expiry_timer_;
  bool push_scheduled_ = false;
  bool changed_ = false;
  std::chrono::steady_clock::time_point last_push_{};
};

std::int64_t unix_now_ms();

}  // namespace onlooker
