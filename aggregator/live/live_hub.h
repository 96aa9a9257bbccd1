// The live view's home on the I/O thread: owns the live set, the WebSocket
// clients, and the timers that expire visitors and push coalesced snapshots.
// Everything here runs on the single io_context thread, so nothing in it
// needs a lock; the drain thread reaches it only through publish().
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "clock.h"
#include "hit_feed.h"
#include "live_client.h"
#include "live_set.h"
#include "node_table.h"
#include "snapshot_json.h"

namespace onlooker {

class Metrics;
class ViewersTable;
class AlertEvaluator;
class AlertSink;
class RecentCounts;
class ViewBaselineFeed;

struct LiveSettings {
  std::chrono::seconds active_window{300};
  // Sites with a window of their own (--site-active-window), first match.
  std::vector<SiteWindow> site_windows{};
  std::chrono::milliseconds push_interval{1000};
  // Hosts with a 30-minute series of their own (~14 KB each); a host beyond
  // them is counted in onlooker_hosts_refused_total and has no series.
  std::size_t max_hosts = 1000;
  // This node's name in the "nodes" list, and whether it is in a cluster
  // (--cluster): without one the link state is "off".
  std::string node = "local";
  bool cluster = false;
};

class LiveHub final : public HitFeed {
 public:
  // `ring_counters` reads the ring's counters for the snapshots (any thread).
  LiveHub(boost::asio::io_context& io, std::function<RingCounters()> ring_counters,
          LiveSettings settings);

  // Publishes the live counts into `table` once per push interval from
  // start() on (nullptr: none). Before start().
  void set_viewers_table(ViewersTable* table) { viewers_ = table; }

  // Evaluates `alerts` once a second from start() on; fired and cleared
  // alerts go to the log (nullptr: none). Before start().
  void set_alert_evaluator(AlertEvaluator* alerts) { alerts_ = alerts; }
  // Also gives each fired and cleared alert to `sink` (webhooks, history),
  // on the I/O thread. Before start().
  void add_alert_sink(AlertSink* sink) { alert_sinks_.push_back(sink); }
  // What views_per_minute and status5xx_share rules read (the drain loop
  // counts into `counts`); `baseline` may be null (no `x baseline` rule).
  // Before start(); without them those rules read 0.
  void set_alert_counts(const RecentCounts* counts, const ViewBaselineFeed* baseline) {
    recent_ = counts;
    baseline_ = baseline;
  }

  void start();
  void stop();
  // Any thread: queues the hits for the I/O thread.
  void publish(std::shared_ptr<const std::vector<Hit>> hits) override;
  // Any thread: another node's hits (none: a heartbeat) from the cluster link.
  void publish_remote(std::string node, std::shared_ptr<const std::vector<Hit>> hits);
  // Any thread: the cluster link came up or went down.
  void set_link_up(bool up);
  // Any thread: the history store answered or stopped answering (the drain
  // loop's commits; at start, its wait for the store).
  void set_history_up(bool up);

  // I/O thread only.
  std::string snapshot_json(const std::string& host, bool with_type) const;
  // As a key that opens `scope` may see it: only its sites' visitors and
  // series, no ring counters. `host` must be empty or one `scope` allows.
  std::string snapshot_json(const SiteScope& scope, const std::string& host,
                            bool with_type) const;
  // /metrics for a site key: onlooker_active_visitors{host="…"} for the
  // hosts in `scope` that people are on or were on in the last 30 minutes.
  std::string site_metrics(const SiteScope& scope) const;
  // GET /api/journey's answer for a person on `host` (snapshot_json.h). The
  // caller has checked that the key opens `host`.
  std::string journey_json(const std::string& host, const VisitorId& visitor) const;
  // {"active": n, "reading": m}, or with the type, the /ws?count message.
  std::string count_json(const std::string& host, bool with_type) const;
  void join(const std::shared_ptr<LiveClient>& session);
  std::size_t client_count();
  // Registers the live view's gauges for /metrics (read on the I/O thread).
  void add_metrics(Metrics& metrics);
  // Hosts holding a series (the all-hosts one included); for tests.
  std::size_t series_hosts() const { return series_.size(); }

 private:
  void apply(const std::vector<Hit>& hits);
  void request_push();
  std::string message_for(const LiveClient& client) const;
  void push();
  void schedule_tick();
  void schedule_viewers();
  void evaluate_alerts(std::int64_t now_ms);
  void record_series(std::int64_t now_s);
  Series series(const std::string& host) const;
  Series series(const SiteScope& scope) const;  // summed over its hosts

  boost::asio::io_context& io_;
  std::function<RingCounters()> ring_counters_;
  LiveSettings settings_;
  LiveSet live_;
  NodeTable nodes_;
  bool link_up_ = false;
  bool history_up_ = true;
  std::vector<std::weak_ptr<LiveClient>> sessions_;
  boost::asio::steady_timer push_timer_;
  boost::asio::steady_timer tick_timer_;
  boost::asio::steady_timer viewers_timer_;
  ViewersTable* viewers_ = nullptr;
  AlertEvaluator* alerts_ = nullptr;
  std::vector<AlertSink*> alert_sinks_;
  const RecentCounts* recent_ = nullptr;
  const ViewBaselineFeed* baseline_ = nullptr;
  // Active people per second for the last 30 minutes; key "" is all hosts.
  // A host's series goes when nobody has been on it for the whole series.
  struct HostSeries {
    std::deque<std::int64_t> active;
    std::int64_t last_people_s = 0;  // the last second someone was there
  };
  std::unordered_map<std::string, HostSeries> series_;
  std::uint64_t hosts_refused_ = 0;
  std::int64_t series_end_s_ = 0;
  bool push_scheduled_ = false;
  bool changed_ = false;
  std::int64_t last_reading_ = 0;  // people reading at the last tick
  std::chrono::steady_clock::time_point last_push_{};
};

}  // namespace onlooker
