#include "live_hub.h"

#include <boost/asio/post.hpp>

#include <map>

#include "snapshot_json.h"
#include "websocket_session.h"

namespace onlooker {

std::int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

LiveHub::LiveHub(boost::asio::io_context& io, const RingReader& ring, LiveSettings settings)
    : io_(io),
      ring_(ring),
      settings_(settings),
      live_(std::chrono::duration_cast<std::chrono::milliseconds>(settings.active_window).count()),
      push_timer_(io),
      expiry_timer_(io) {}

void LiveHub::start() { schedule_expiry(); }

void LiveHub::stop() {
  push_timer_.cancel();
  expiry_timer_.cancel();
}

void LiveHub::publish(std::vector<Hit> hits) {
  boost::asio::post(io_, [this, hits = std::move(hits)] { apply(hits); });
}

void LiveHub::apply(const std::vector<Hit>& hits) {
  bool changed = false;
  for (const Hit& hit : hits) changed |= live_.apply(hit);
  if (changed) {
    changed_ = true;
    request_push();
  }
}

// Coalescing: the first change after a quiet period is pushed at once; more
// changes within push_interval wait for the end of that interval.
void LiveHub::request_push() {
  if (push_scheduled_) return;
  push_scheduled_ = true;
  push_timer_.expires_at(std::max(std::chrono::steady_clock::now(),
                                  last_push_ + settings_.push_interval));
  push_timer_.async_wait([this](boost::system::error_code ec) {
    push_scheduled_ = false;
    if (!ec) push();
  });
}

void LiveHub::push() {
  last_push_ = std::chrono::steady_clock::now();
  changed_ = false;
  // One serialisation per distinct host filter, shared by all its clients.
  std::map<std::string, std::shared_ptr<const std::string>> messages;
  std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
  for (const auto& weak : sessions_) {
    if (auto session = weak.lock()) {
      auto& message = messages[session->host_filter()];
      if (!message) {
        message = std::make_shared<const std::string>(snapshot_json(session->host_filter(), true));
      }
      session->send(message);
    }
  }
}

void LiveHub::schedule_expiry() {
  expiry_timer_.expires_after(std::chrono::seconds(1));
  expiry_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    if (live_.expire(unix_now_ms()) > 0) {
      changed_ = true;
      request_push();
    }
    schedule_expiry();
  });
}

std::string LiveHub::snapshot_json(const std::string& host, bool with_type) const {
  const SnapshotContext context{
      ring_.counters(),
      static_cast<std::int64_t>(settings_.active_window.count()),
  };
  return onlooker::snapshot_json(live_.snapshot(unix_now_ms(), host), context, with_type);
}

void LiveHub::join(const std::shared_ptr<WebSocketSession>& session) {
  sessions_.push_back(session);
  session->send(std::make_shared<const std::string>(snapshot_json(session->host_filter(), true)));
}

std::size_t LiveHub::client_count() {
  std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
  return sessions_.size();
}

}  // namespace onlooker
