// The drain loop's figures in /metrics: what it drained, dropped and
// committed, and the ring's own counters as nginx's workers keep them.
#include "drain_loop.h"
#include "metrics.h"

namespace onlooker {

void DrainLoop::add_metrics(Metrics& metrics) const {
  using Type = Metrics::Type;
  const DrainStats& stats = stats_;
  metrics.add("onlooker_hits_ingested_total", Type::counter, "Records drained from the ring.",
              [&stats] { return stats.ingested.load(); });
  metrics.add("onlooker_corrupt_records_total", Type::counter,
              "Ring records that failed to decode.", [&stats] { return stats.corrupt.load(); });
  metrics.add("onlooker_sqlite_commit_failures_total", Type::counter,
              "Failed history commits (retried).",
              [&stats] { return stats.commit_failures.load(); });
  metrics.add("onlooker_sqlite_batch_seconds", Type::gauge, "Duration of the last history commit.",
              [&stats] { return static_cast<double>(stats.last_commit_us.load()) / 1e6; });
  metrics.add("onlooker_rollups_behind", Type::gauge,
              "Hits stored but not yet counted in the hourly and daily rollups (after a start, "
              "while the visitors already counted today load).",
              [&stats] { return stats.catch_up_backlog.load(); });
  metrics.add("onlooker_beats_orphaned_total", Type::counter,
              "Beats and leaves dropped: their visitor had no page view in the active window.",
              [&stats] { return stats.beats_orphaned.load(); });
  metrics.add("onlooker_beats_mismatched_total", Type::counter,
              "Beats and leaves dropped: they came from another address or User-Agent than the "
              "visit's page view (someone else's cookie id).",
              [&stats] { return stats.beats_mismatched.load(); });
  metrics.add("onlooker_visitors_refused_total", Type::counter,
              "Page views dropped: their address already had --max-visitors-per-address live "
              "visitors.",
              [&stats] { return stats.visitors_refused.load(); });
  const RingReader& ring = ring_;
  metrics.add("onlooker_ring_written_total", Type::counter, "Records written by nginx workers.",
              [&ring] { return ring.counters().written; });
  metrics.add("onlooker_ring_dropped_total", Type::counter,
              "Records dropped because the ring was full.",
              [&ring] { return ring.counters().dropped; });
  metrics.add("onlooker_ring_torn_total", Type::counter,
              "Ring slots skipped: their writer never finished.",
              [&ring] { return ring.counters().torn; });
  metrics.add("onlooker_beats_limited_total", Type::counter,
              "Beats and leaves not recorded: their visitor beat more often than the module allows.",
              [&ring] { return ring.counters().beats_limited; });
  metrics.add("onlooker_ring_fill", Type::gauge, "Records in the ring not yet committed.",
              [&ring] {
                const RingCounters counters = ring.counters();
                return counters.written - counters.consumed;
              });
  metrics.add("onlooker_ring_capacity", Type::gauge, "Slots in the ring.",
              [&ring] { return ring.counters().capacity; });
}

}  // namespace onlooker
