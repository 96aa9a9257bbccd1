#include "live_hub.h"

#include <boost/asio/post.hpp>

#include <cmath>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

#include "alert_evaluator.h"
#include "alert_notice.h"
#include "log.h"
#include "metrics.h"
#include "recent_counts.h"
#include "view_baseline.h"
#include "viewers_table.h"

namespace onlooker {

namespace {

constexpr std::size_t series_seconds = 30 * 60;

// A Prometheus label value: a host under a "*." pattern may hold any byte
// the module let through.
std::string label_value(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

LiveHub::LiveHub(boost::asio::io_context& io, std::function<RingCounters()> ring_counters,
                 LiveSettings settings)
    : io_(io),
      ring_counters_(std::move(ring_counters)),
      settings_(std::move(settings)),
      live_(ActiveWindows(settings_.active_window, settings_.site_windows)),
      nodes_(ActiveWindows(settings_.active_window, settings_.site_windows)),
      push_timer_(io),
      tick_timer_(io),
      viewers_timer_(io) {}

void LiveHub::start() {
  nodes_.heard(settings_.node, {}, unix_now_ms());
  schedule_tick();
  if (viewers_ != nullptr) schedule_viewers();
}

void LiveHub::stop() {
  push_timer_.cancel();
  tick_timer_.cancel();
  viewers_timer_.cancel();
  if (viewers_ != nullptr) viewers_->withdraw();
}

void LiveHub::publish(std::shared_ptr<const std::vector<Hit>> hits) {
  boost::asio::post(io_, [this, hits = std::move(hits)] {
    nodes_.heard(settings_.node, *hits, unix_now_ms());
    apply(*hits);
  });
}

void LiveHub::publish_remote(std::string node, std::shared_ptr<const std::vector<Hit>> hits) {
  boost::asio::post(io_, [this, node = std::move(node), hits = std::move(hits)] {
    nodes_.heard(node, *hits, unix_now_ms());
    apply(*hits);
  });
}

void LiveHub::set_link_up(bool up) {
  boost::asio::post(io_, [this, up] {
    if (link_up_ == up) return;
    link_up_ = up;
    changed_ = true;
    request_push();
  });
}

void LiveHub::set_history_up(bool up) {
  boost::asio::post(io_, [this, up] {
    if (history_up_ == up) return;
    history_up_ = up;
    changed_ = true;
    request_push();
  });
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
  std::map<std::tuple<bool, std::string, std::string>, std::shared_ptr<const std::string>>
      messages;
  std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
  for (const auto& weak : sessions_) {
    if (auto session = weak.lock()) {
      auto& message =
          messages[{session->count_only(), session->host_filter(), session->scope().key()}];
      if (!message) message = std::make_shared<const std::string>(message_for(*session));
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
    // Silence turns a reader idle without any hit: show it when it does.
    const std::int64_t reading = live_.reading(now_ms);
    if (reading != last_reading_) changed_ = true;
    last_reading_ = reading;
    nodes_.heard(settings_.node, {}, now_ms);  // this node is always heard
    if (nodes_.expire(now_ms)) changed_ = true;  // a node came, went, or went down
    record_series(now_ms / 1000);
    if (alerts_ != nullptr) evaluate_alerts(now_ms);
    if (changed_) request_push();
    schedule_tick();
  });
}

// Once per push interval, changed or not: the publish time is how nginx
// tells a live table from one onlookerd stopped writing.
void LiveHub::schedule_viewers() {
  const std::int64_t now_ms = unix_now_ms();
  if (live_.expire(now_ms) > 0) changed_ = true;
  viewers_->publish(live_.page_counts(), now_ms);
  viewers_timer_.expires_after(settings_.push_interval);
  viewers_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) schedule_viewers();
  });
}

void LiveHub::evaluate_alerts(std::int64_t now_ms) {
  std::vector<PageCount> pages;  // only when a rule asks for a page
  bool pages_read = false;
  const MinuteTotals minute = recent_ ? recent_->last_minute(now_ms) : MinuteTotals{};
  const auto events = alerts_->step(now_ms, [&](const AlertRule& rule) -> AlertReading {
    if (rule.measure == AlertRule::Measure::status5xx_share) return minute.error_percent();
    if (rule.measure == AlertRule::Measure::views_per_minute) {
      const auto views = static_cast<double>(minute.person_views);
      if (!rule.of_baseline) return views;
      const auto baseline = baseline_ ? baseline_->current() : std::nullopt;
      if (baseline) return {views, rule.threshold * *baseline};
      // No baseline yet: the condition holds neither way.
      return {views, rule.op == AlertRule::Op::above ? HUGE_VAL : -HUGE_VAL};
    }
    if (rule.path.empty()) return static_cast<double>(live_.people(rule.host));
    if (!pages_read) pages = live_.page_counts();
    pages_read = true;
    std::uint64_t viewers = 0;
    for (const PageCount& page : pages) {
      if (page.path == rule.path && (rule.host.empty() || page.host == rule.host)) {
        viewers += page.viewers;
      }
    }
    return static_cast<double>(viewers);
  });
  for (const AlertEvent& event : events) {
    log::warn(std::string("msg=\"alert ") +
              (event.state == AlertEvent::State::firing ? "firing" : "cleared") +
              "\" rule=\"" + event.rule->name + "\" condition=\"" + event.rule->condition +
              "\" value=" + std::to_string(static_cast<long long>(event.value)) +
              " ts_ms=" + std::to_string(event.ts_ms));
    const AlertNotice notice{event.rule->name, event.rule->condition, event.value,
                             event.state == AlertEvent::State::firing, event.ts_ms};
    for (AlertSink* sink : alert_sinks_) sink->alert(notice);
  }
  if (!events.empty()) changed_ = true;  // the snapshots' "alerts" changed
}

void LiveHub::record_series(std::int64_t now_s) {
  if (now_s == series_end_s_) return;
  // Seconds skipped (a busy loop, a clock step) repeat the last value.
  const std::int64_t gap = series_end_s_ == 0 ? 1 : std::clamp<std::int64_t>(now_s - series_end_s_, 1, series_seconds);
  auto sample = [&](HostSeries& series, std::int64_t value) {
    for (std::int64_t i = 0; i < gap; ++i) series.active.push_back(value);
    while (series.active.size() > series_seconds) series.active.pop_front();
    if (value > 0) series.last_people_s = now_s;
  };
  sample(series_[""], live_.people());
  for (const auto& host : live_.hosts()) {
    auto it = series_.find(host);
    if (it == series_.end()) {
      if (series_.size() > settings_.max_hosts) {  // "" is not a host
        ++hosts_refused_;
        continue;
      }
      it = series_.emplace(host, HostSeries{}).first;
    }
    sample(it->second, live_.people(host));
  }
  // Hosts nobody is on now: a zero, and gone once nobody was there for the
  // whole series.
  for (auto it = series_.begin(); it != series_.end();) {
    HostSeries& series = it->second;
    if (it->first.empty() || series.last_people_s == now_s) {
      ++it;
    } else if (now_s - series.last_people_s >= static_cast<std::int64_t>(series_seconds)) {
      it = series_.erase(it);
    } else {
      sample(series, 0);
      ++it;
    }
  }
  series_end_s_ = now_s;
}

Series LiveHub::series(const std::string& host) const {
  Series out;
  const auto it = series_.find(host);
  if (it == series_.end()) return out;
  out.active.assign(it->second.active.begin(), it->second.active.end());
  out.start_s = series_end_s_ - static_cast<std::int64_t>(out.active.size()) + 1;
  return out;
}

std::string LiveHub::snapshot_json(const std::string& host, bool with_type) const {
  return snapshot_json(SiteScope{}, host, with_type);
}

std::string LiveHub::snapshot_json(const SiteScope& scope, const std::string& host,
                                   bool with_type) const {
  const bool whole = scope.all() || !host.empty();
  const SnapshotContext context{
      scope.all() ? ring_counters_() : RingCounters{},
      // The window of the one host shown, else --active-window's.
      live_.windows().window_ms_for(host.empty() ? scope.single_host() : host) / 1000,
      whole ? series(host) : series(scope),
      scope.all(),
      // Per-node counts are every site's traffic too: a site key gets none.
      scope.all() ? nodes_.list(unix_now_ms()) : std::vector<NodeStatus>{},
      settings_.node,
      settings_.cluster ? (link_up_ ? "up" : "down") : "off",
      history_up_ ? "up" : "down",
      scope.all() && alerts_ != nullptr ? alerts_->firing_alerts() : std::vector<FiringAlert>{},
  };
  const std::int64_t now_ms = unix_now_ms();
  return onlooker::snapshot_json(
      whole ? live_.snapshot(now_ms, host)
            : live_.snapshot_where(now_ms, [&](std::string_view name) { return scope.allows(name); }),
      context, with_type);
}

std::string LiveHub::message_for(const LiveClient& client) const {
  if (client.count_only()) return count_json(client.host_filter(), true);
  return snapshot_json(client.scope(), client.host_filter(), true);
}

Series LiveHub::series(const SiteScope& scope) const {
  Series out;
  for (const auto& [host, kept] : series_) {
    if (host.empty() || !scope.allows(host)) continue;
    // Every series ends at series_end_s_: align them at the end.
    if (kept.active.size() > out.active.size()) out.active.insert(out.active.begin(), kept.active.size() - out.active.size(), 0);
    const std::size_t offset = out.active.size() - kept.active.size();
    for (std::size_t i = 0; i < kept.active.size(); ++i) out.active[offset + i] += kept.active[i];
  }
  out.start_s = series_end_s_ - static_cast<std::int64_t>(out.active.size()) + 1;
  return out;
}

std::string LiveHub::site_metrics(const SiteScope& scope) const {
  std::set<std::string> hosts;
  for (const auto& [host, kept] : series_) {
    if (!host.empty() && scope.allows(host)) hosts.insert(host);
  }
  for (auto& host : live_.hosts()) {
    if (scope.allows(host)) hosts.insert(std::move(host));
  }
  std::string out =
      "# HELP onlooker_active_visitors People in the live set, per site this key opens.\n"
      "# TYPE onlooker_active_visitors gauge\n";
  for (const auto& host : hosts) {
    out += "onlooker_active_visitors{host=\"" + label_value(host) + "\"} " +
           std::to_string(live_.people(host)) + "\n";
  }
  return out;
}

std::string LiveHub::journey_json(const std::string& host, const VisitorId& visitor) const {
  const auto journey = live_.journey(host, visitor);
  return onlooker::journey_json(host, to_hex(visitor), journey ? &*journey : nullptr);
}

std::string LiveHub::count_json(const std::string& host, bool with_type) const {
  nlohmann::ordered_json out;
  if (with_type) out["type"] = "count";
  out["active"] = live_.people(host);
  out["reading"] = live_.reading(unix_now_ms(), host);
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void LiveHub::join(const std::shared_ptr<LiveClient>& session) {
  sessions_.push_back(session);
  session->send(std::make_shared<const std::string>(message_for(*session)));
}

std::size_t LiveHub::client_count() {
  std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
  return sessions_.size();
}

void LiveHub::add_metrics(Metrics& metrics) {
  using Type = Metrics::Type;
  metrics.add("onlooker_active_visitors", Type::gauge, "People in the live set.",
              [this] { return live_.people(); });
  metrics.add("onlooker_live_bots", Type::gauge, "Bots in the live set.", [this] {
    return static_cast<std::int64_t>(live_.size()) - live_.people();
  });
  metrics.add("onlooker_hosts_refused_total", Type::counter,
              "Seconds a host with people on it had no per-host series: more than the hosts "
              "allowed one (a flood of Host values).",
              [this] { return hosts_refused_; });
  metrics.add("onlooker_websocket_clients", Type::gauge, "Connected WebSocket clients.",
              [this] { return client_count(); });
  metrics.add("onlooker_history_up", Type::gauge,
              "1 while the history store answers, 0 while it is unreachable (at start) or its "
              "commits fail; records wait in the ring meanwhile.",
              [this] { return std::int64_t{history_up_ ? 1 : 0}; });
  // --node is 1..64 of [A-Za-z0-9._-] (options.cpp): nothing to escape.
  metrics.add("onlooker_node_info", "node=\"" + settings_.node + "\"", Type::gauge,
              "This onlookerd's node name (--node).", [] { return std::int64_t{1}; });
  if (settings_.cluster) {
    metrics.add("onlooker_cluster_link_up", Type::gauge,
                "1 while the cluster link (--cluster) reaches Redis, else 0.",
                [this] { return std::int64_t{link_up_ ? 1 : 0}; });
  }
}

}  // namespace onlooker
