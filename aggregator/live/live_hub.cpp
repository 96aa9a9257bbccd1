#include "live_hub.h"

#include <boost/asio/post.hpp>

#include <nlohmann/json.hpp>
#include <sstream>

#include "drain_loop.h"
#include "websocket_session.h"

namespace onlooker {

namespace {

constexpr std::size_t series_seconds = 30 * 60;

}  // namespace

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
      tick_timer_(io) {}

void LiveHub::start() { schedule_tick(); }

void LiveHub::stop() {
  push_timer_.cancel();
  tick_timer_.cancel();
}

void LiveHub::publish(std::shared_ptr<const std::vector<Hit>> hits) {
  boost::asio::post(io_, [this, hits = std::move(hits)] { apply(*hits); });
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
  // One serialisation per kind of message and host filter, shared by all
  // the clients that asked for it.
  std::map<std::pair<bool, std::string>, std::shared_ptr<const std::string>> messages;
  std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
  for (const auto& weak : sessions_) {
    if (auto session = weak.lock()) {
      auto& message = messages[{session->count_only(), session->host_filter()}];
      if (!message) {
        message = std::make_shared<const std::string>(
            session->count_only() ? count_json(session->host_filter(), true)
                                  : snapshot_json(session->host_filter(), true));
      }
      session->send(message);
    }
  }
}

// Once a second: expire visitors and sample the active counts.
void LiveHub::schedule_tick() {
  tick_timer_.expires_after(std::chrono::seconds(1));
  tick_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    const std::int64_t now_ms = unix_now_ms();
    if (live_.expire(now_ms) > 0) changed_ = true;
    record_series(now_ms / 1000);
    if (changed_) request_push();
    schedule_tick();
  });
}

void LiveHub::record_series(std::int64_t now_s) {
  if (now_s == series_end_s_) return;
  // Seconds skipped (a busy loop, a clock step) repeat the last value.
  const std::int64_t gap = series_end_s_ == 0 ? 1 : std::clamp<std::int64_t>(now_s - series_end_s_, 1, series_seconds);
  auto sample = [&](const std::string& host, std::int64_t value) {
    auto& points = series_[host];
    for (std::int64_t i = 0; i < gap; ++i) points.push_back(value);
    while (points.size() > series_seconds) points.pop_front();
  };
  sample("", live_.people());
  for (const auto& host : live_.hosts()) sample(host, live_.people(host));
  series_end_s_ = now_s;
}

Series LiveHub::series(const std::string& host) const {
  Series out;
  const auto it = series_.find(host);
  if (it == series_.end()) return out;
  out.active.assign(it->second.begin(), it->second.end());
  out.start_s = series_end_s_ - static_cast<std::int64_t>(out.active.size()) + 1;
  return out;
}

std::string LiveHub::snapshot_json(const std::string& host, bool with_type) const {
  const SnapshotContext context{
      ring_.counters(),
      static_cast<std::int64_t>(settings_.active_window.count()),
      series(host),
  };
  return onlooker::snapshot_json(live_.snapshot(unix_now_ms(), host), context, with_type);
}

std::string LiveHub::count_json(const std::string& host, bool with_type) const {
  nlohmann::ordered_json out;
  if (with_type) out["type"] = "count";
  out["active"] = live_.people(host);
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void LiveHub::join(const std::shared_ptr<WebSocketSession>& session) {
  sessions_.push_back(session);
  session->send(std::make_shared<const std::string>(
      session->count_only() ? count_json(session->host_filter(), true)
                            : snapshot_json(session->host_filter(), true)));
}

std::size_t LiveHub::client_count() {
  std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
  return sessions_.size();
}

std::string LiveHub::metrics_text() {
  const RingCounters ring = ring_.counters();
  std::ostringstream out;
  auto metric = [&out](const char* name, const char* type, const char* help, auto value) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n'
        << name << ' ' << value << '\n';
  };
  if (drain_stats_) {
    metric("onlooker_hits_ingested_total", "counter", "Records drained from the ring.",
           drain_stats_->ingested.load());
    metric("onlooker_corrupt_records_total", "counter", "Ring records that failed to decode.",
           drain_stats_->corrupt.load());
    metric("onlooker_sqlite_commit_failures_total", "counter", "Failed history commits (retried).",
           drain_stats_->commit_failures.load());
    metric("onlooker_sqlite_batch_seconds", "gauge", "Duration of the last history commit.",
           static_cast<double>(drain_stats_->last_commit_us.load()) / 1e6);
    metric("onlooker_rollups_behind", "gauge",
           "Hits stored but not yet counted in the hourly and daily rollups (after a start, "
           "while the visitors already counted today load).",
           drain_stats_->catch_up_backlog.load());
  }
  metric("onlooker_ring_written_total", "counter", "Records written by nginx workers.",
         ring.written);
  metric("onlooker_ring_dropped_total", "counter", "Records dropped because the ring was full.",
         ring.dropped);
  metric("onlooker_ring_torn_total", "counter", "Ring slots skipped: their writer never finished.",
         ring.torn);
  metric("onlooker_beats_limited_total", "counter",
         "Beats and leaves not recorded: their visitor beat more often than the module allows.",
         ring.beats_limited);
  metric("onlooker_ring_fill", "gauge", "Records in the ring not yet committed.",
         ring.written - ring.consumed);
  metric("onlooker_ring_capacity", "gauge", "Slots in the ring.", ring.capacity);
  metric("onlooker_active_visitors", "gauge", "People in the live set.", live_.people());
  metric("onlooker_live_bots", "gauge", "Bots in the live set.",
         static_cast<std::int64_t>(live_.size()) - live_.people());
  metric("onlooker_websocket_clients", "gauge", "Connected WebSocket clients.", client_count());
  return out.str();
}

}  // namespace onlooker
