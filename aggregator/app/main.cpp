// onlookerd: drains the ring nginx writes, keeps the live set, writes
// history to SQLite and serves the live view over HTTP and WebSocket.
//
// Threads: one I/O thread (HTTP, WebSocket, live set, timers) and one drain
// thread (ring -> SQLite). Blocking SQLite work never runs on the I/O thread.
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <utility>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>

#include <csignal>
#include <functional>
#include <iostream>
#include <optional>
#include <thread>

#include "access_control.h"
#include "active_windows.h"
#include "cluster_alert_gate.h"
#include "cluster_link.h"
#include "alert_delivery.h"
#include "alert_evaluator.h"
#include "alert_history_queue.h"
#include "connection_limit.h"
#include "drain_loop.h"
#include "history_api.h"
#include "enrichment_sources.h"
#include "hit_enricher.h"
#include "services.h"
#include "listener.h"
#include "live_hub.h"
#include "log.h"
#include "metrics.h"
#include "options.h"
#include "history_backend.h"
#include "country_names.h"
#include "recent_counts.h"
#include "ring_reader.h"
#include "view_baseline.h"
#include "viewers_table.h"
#include "onlooker_version.h"

namespace {

// Every WebSocket client is a descriptor: use all the kernel allows this
// process (the soft limit is often 1024, the hard one far more). Under
// onlookerd.service, LimitNOFILE= sets both and setrlimit is filtered.
void raise_descriptor_limit(std::size_t max_connections) {
  using onlooker::log::warn;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised{limit.rlim_max, limit.rlim_max};
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  constexpr rlim_t spare = 64;  // the ring, SQLite, logs, the listener
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < max_connections + spare) {
    warn("msg=\"fewer file descriptors than --max-connections needs; past them accepts pause\""
         " nofile=" + std::to_string(limit.rlim_cur) +
         " max_connections=" + std::to_string(max_connections));
  }
}

// Loud, because the dashboard shows every visitor: said at start and, through
// /api/access, on the page.
void warn_about_access(const onlooker::Options& options) {
  using onlooker::log::warn;
  if (!options.token.empty() || !options.site_tokens.empty()) return;
  const bool network = !onlooker::loopback_name(options.listen_host);
  if (options.open) {
    warn(std::string("msg=\"OPEN: no token and --open: the dashboard, /api/* and /ws answer "
                     "anyone who reaches ") +
         (network ? "this address from the network" : "this port, proxied or not") +
         "; set a token (--token) before exposing it\"");
  } else if (network) {
    warn("msg=\"listening beyond loopback without a token: the dashboard is served only to "
         "this machine itself; set a token (--token) to sign in from elsewhere\" listen=" +
         options.listen_host);
  } else {
    onlooker::log::info("msg=\"no token: the dashboard is served only to this machine itself, "
                        "not through a proxy; set a token to sign in through one\"");
  }
}

// The last active window of history (the longest, when sites have their
// own), for the live set to start from; the country names history does not
// store come from iso-codes.
std::vector<onlooker::Hit> recent_hits_with_names(const onlooker::Options& options) {
  using namespace onlooker;
  const std::int64_t window_ms =
      ActiveWindows(options.active_window, options.site_active_windows).longest_ms();
  std::vector<Hit> hits;
  try {
    hits = read_recent_history(options.db, options.node, unix_now_ms() - window_ms);
  } catch (const std::exception& error) {
    // The server answered a moment ago (wait_for_history): start empty
    // rather than not at all; history itself is retried by the drain loop.
    log::warn(std::string("msg=\"could not read the last window of history; the live set "
                          "starts empty\" error=\"") + error.what() + "\"");
  }
  const CountryNames names;
  for (Hit& hit : hits) hit.country_name = std::string(names.name(hit.country_code));
  return hits;
}

int serve(const onlooker::Options& options) {
  using namespace onlooker;
  RingReader ring(options.ring);
  HistoryBackend backend = open_history(options.db, options.node);
  HistorySink& history = *backend.sink;

  boost::asio::io_context io{1};
  LiveHub hub(io, [&ring] { return ring.counters(); },
              LiveSettings{.active_window = options.active_window,
                           .site_windows = options.site_active_windows,
                           .push_interval = options.push_interval,
                           .node = options.node,
                           .cluster = !options.cluster.empty()});
  // views_per_minute and status5xx_share read the drain loop's counts and,
  // with --cluster, the other nodes' views and errors from the stream.
  RecentCounts recent_counts;
  const bool count_remote = !options.alerts.empty();
  // --cluster: local batches go to the hub and to Redis; other nodes' come back.
  std::unique_ptr<ClusterLink> cluster;
  if (!options.cluster.empty()) {
    std::string why;
    cluster = std::make_unique<ClusterLink>(
        ClusterSettings{.url = *parse_redis_url(options.cluster, why),
                        .node = options.node,
                        // The stream keeps (and a restart reads back) the longest window.
                        .active_window = std::chrono::milliseconds(
                            ActiveWindows(options.active_window, options.site_active_windows)
                                .longest_ms())},
        hub,
        ClusterSink{.remote = [&hub, &recent_counts, count_remote](std::string node, auto hits) {
                      if (count_remote) recent_counts.count_remote_hits(*hits);
                      hub.publish_remote(std::move(node), std::move(hits));
                    },
                    .link_state = [&hub](bool up) { hub.set_link_up(up); },
                    .remote_errors = [&recent_counts, count_remote](std::int64_t ts_ms,
                                                                    std::uint64_t count) {
                      if (count_remote) recent_counts.count_remote_errors(ts_ms, count);
                    }},
        &ring.shared_header());
  }
  HitFeed& feed = cluster ? static_cast<HitFeed&>(*cluster) : hub;
  AlertEvaluator alerts(options.alerts);
  if (!options.alerts.empty()) hub.set_alert_evaluator(&alerts);
  AlertHistoryQueue alert_rows(options.node);  // to the alerts table, by the drain thread
  if (!options.alerts.empty()) hub.add_alert_sink(&alert_rows);
  std::optional<AlertDelivery> delivery;
  // --cluster: every node sees the same alerts; the alert lease's holder posts them.
  std::optional<ClusterAlertGate> alert_gate;
  if (!options.alert_webhooks.empty()) {
    delivery.emplace(options.alert_webhooks, options.alert_format, options.node,
                     DeliverySettings{.extra_ca_file = options.alert_webhook_ca});
    if (cluster && !options.alerts.empty()) {
      std::string why;
      alert_gate.emplace(AlertGateSettings{.url = *parse_redis_url(options.cluster, why),
                                           .node = options.node},
                         *delivery);
      hub.add_alert_sink(&*alert_gate);
    } else {
      hub.add_alert_sink(&*delivery);
    }
  }
  std::optional<ViewBaselineFeed> baseline;
  if (std::any_of(options.alerts.begin(), options.alerts.end(),
                  [](const AlertRule& rule) { return rule.of_baseline; })) {
    baseline.emplace(open_history_reader(options.db));
  }
  hub.set_alert_counts(&recent_counts, baseline ? &*baseline : nullptr);
  std::optional<ViewersTable> viewers;
  if (!options.viewers_zone.empty()) {
    viewers.emplace(options.viewers_zone, options.push_interval);
    hub.set_viewers_table(&*viewers);
  }

  boost::asio::ip::tcp::resolver resolver(io);
  const auto endpoints =
      resolver.resolve(options.listen_host, std::to_string(options.listen_port),
                       boost::asio::ip::resolver_base::passive);
  AccessControl access({.token = options.token,
                        .site_tokens = options.site_tokens,
                        .allowed_origins = options.allowed_origins,
                        .open = options.open,
                        .listen_host = options.listen_host,
                        .public_url = options.public_url});
  ConnectionLimit connections(options.max_connections);
  HistoryApi history_api(*backend.reader);
  boost::asio::thread_pool blocking(1);  // SQLite reads for /api/history
  Metrics metrics;
  Services services{hub, access, history_api, blocking, connections, metrics};
  auto listener = std::make_shared<Listener>(io, endpoints.begin()->endpoint(), services);

  HitEnricher enricher(enrichment_sources(options.geoip, options.ua_regexes));
  DrainLoop drain(ring, history, feed,
                  {.active_window = options.active_window,
                   .site_windows = options.site_active_windows,
                   .max_visitors_per_address = options.max_visitors_per_address,
                   .retention_days = options.retention_days,
                   .site_retention = options.site_retention,
                   // An unreachable server at start: the drain thread says so and
                   // retries with backoff (nginx keeps writing the ring) while
                   // the live view, /metrics and the dashboard are served.
                   .history_label = history_label(options.db),
                   .history_state = [&hub](bool up) { hub.set_history_up(up); }},
                  &enricher);
  drain.restore(recent_hits_with_names(options));
  if (!options.alerts.empty()) drain.store_alerts_from(&alert_rows);
  drain.count_recent_into(&recent_counts);
  drain.add_metrics(metrics);
  hub.add_metrics(metrics);
  metrics.add("onlooker_alerts_fired_total", Metrics::Type::counter,
              "Times an alert rule fired (--alert).", [&alerts] { return alerts.fired_total(); });
  metrics.add("onlooker_alerts_firing", Metrics::Type::gauge, "Alert rules firing now.",
              [&alerts] { return alerts.firing(); });
  if (delivery) delivery->add_metrics(metrics);
  if (alert_gate) alert_gate->add_metrics(metrics);
  metrics.add("onlooker_page_errors_total", Metrics::Type::counter,
              "Tracked pages answered with a status >= 500 (the module's error records; not "
              "page views, counted for status5xx_share).",
              [&recent_counts] { return recent_counts.errors_total(); });
  metrics.add("onlooker_alerts_unstored_total", Metrics::Type::counter,
              "Alerts that never reached the history's alerts table (over 1,024 waited).",
              [&alert_rows] { return alert_rows.dropped(); });
  hub.start();
  if (cluster) cluster->start();
  if (alert_gate) alert_gate->start();
  listener->run();
  std::jthread drain_thread([&drain](std::stop_token stop) { drain.run(stop); });

  // SIGHUP: reopen the geo database (after an update), keep running.
  boost::asio::signal_set hangup(io, SIGHUP);
  std::function<void()> wait_hangup = [&] {
    hangup.async_wait([&](boost::system::error_code ec, int) {
      if (ec) return;
      log::info("msg=\"SIGHUP: reopening the geo database\"");
      enricher.reload_geo();
      wait_hangup();
    });
  };
  wait_hangup();

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code, int signal) {
    log::info("msg=\"stopping: draining the ring\" signal=" + std::to_string(signal));
    listener->stop();
    drain_thread.request_stop();
    drain_thread.join();  // drains and commits what is left
    if (cluster) cluster->stop();
    hub.stop();
    if (alert_gate) alert_gate->stop();
    hangup.cancel();
    blocking.join();
    io.stop();
  });

  const auto bound = listener->local_endpoint();
  std::string why_not;
  log::info(std::string("msg=\"onlookerd started\" version=") + ONLOOKER_VERSION +
            " listen=" + bound.address().to_string() + ":" + std::to_string(bound.port()) +
            " ring_generation=" + std::to_string(ring.generation()) +
            " ring_slots=" + std::to_string(ring.capacity()) + " db=" + history_label(options.db) +
            " node=" + options.node +
            (options.cluster.empty() ? std::string()
                                     : " cluster=" + parse_redis_url(options.cluster, why_not)->describe()));
  warn_about_access(options);
  io.run();
  log::info("msg=\"onlookerd stopped\" ingested=" +
            std::to_string(drain.stats().ingested.load()));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv, argv + argc);
  const auto parsed = onlooker::parse_options(args);
  if (const auto* exit = std::get_if<onlooker::ParseExit>(&parsed)) {
    (exit->status == 0 ? std::cout : std::cerr) << exit->text;
    return exit->status;
  }
  // The database and its WAL files are for the owner only: 0600.
  ::umask(077);
  std::signal(SIGPIPE, SIG_IGN);
  try {
    const auto& options = std::get<onlooker::Options>(parsed);
    raise_descriptor_limit(options.max_connections);
    return serve(options);
  } catch (const std::exception& failure) {
    onlooker::log::error(std::string("msg=\"cannot start\" error=\"") + failure.what() + "\"");
    return 1;
  }
}
