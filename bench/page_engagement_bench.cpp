// What the per-page engagement rollups (issue 18, page_engagement_rollups.h)
// cost the drain thread: the whole job (decode, geo + uap enrichment, visit
// tracking, commit to SQLite) for a ring of 65,536 realistic records, with
// the closed visits' per-page engaged times kept (Arg 1) or dropped just
// before the sink (Arg 0: the rollups get nothing to write). Both arms copy
// the batch's visits, so the difference is the rollups' work alone: the
// deltas and their upserts. The tracker's own part (a leave's time added to
// its page, a pass over an estimated visit's journey at close) runs in both.
// Run the two arms interleaved:
//   onlooker_page_engagement_bench --benchmark_repetitions=8
//       --benchmark_enable_random_interleaving=true
#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <vector>

#include "bench_traffic.h"
#include "clock.h"
#include "drain_loop.h"
#include "hit_enricher.h"
#include "sqlite_history.h"
#include "support/temp_dir.h"
#include "support/test_ring.h"

namespace {

using namespace onlooker;

struct NullFeed final : HitFeed {
  void publish(std::shared_ptr<const std::vector<Hit>>) override {}
};

// Forwards every call to the SQLite history; with `keep_pages` false, the
// visits lose their per-page engaged times on the way.
class PagesSwitch final : public HistorySink {
 public:
  PagesSwitch(HistorySink& sink, bool keep_pages) : sink_(sink), keep_pages_(keep_pages) {}
  std::optional<RingPosition> committed_position() override { return sink_.committed_position(); }
  void commit(const HistoryBatch& batch) override {
    visits_.assign(batch.visits.begin(), batch.visits.end());
    if (!keep_pages_) {
      for (Visit& visit : visits_) visit.page_engaged.clear();
    }
    sink_.commit({batch.hits, visits_, batch.after});
  }
  std::size_t delete_before(std::int64_t cutoff_ms, std::size_t limit,
                            const HostFilter& hosts) override {
    return sink_.delete_before(cutoff_ms, limit, hosts);
  }
  void record_alerts(std::span<const AlertRow> alerts) override { sink_.record_alerts(alerts); }
  void catch_up() override { sink_.catch_up(); }
  std::uint64_t catch_up_backlog() const override { return sink_.catch_up_backlog(); }

 private:
  HistorySink& sink_;
  bool keep_pages_;
  std::vector<Visit> visits_;
};

void BM_DrainEnrichCommitPageEngagement(benchmark::State& state) {
  test::TempDir dir;
  test::TestRing ring(dir.file("ring"), 65536);
  RingReader reader(dir.file("ring"));
  SqliteHistory history(dir.file("history.db"));
  PagesSwitch sink(history, state.range(0) != 0);
  NullFeed feed;
  HitEnricher enricher(EnrichmentSources{
      .geo_paths = {ONLOOKER_BENCH_DBIP_V4, ONLOOKER_BENCH_DBIP_V6},
      .ua = {UaRegexesSource::Kind::file, ONLOOKER_BENCH_UAP_REGEXES}});
  DrainLoop drain(reader, sink, feed,
                  {.max_batch = 4096, .commit_interval = std::chrono::milliseconds(0)},
                  &enricher);
  std::mt19937 random(2);
  std::uint64_t records = 0;
  std::uint64_t n = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (;;) {
      const test::TestRecord record = bench::traffic_record(random, ++n, unix_now_ms());
      if (!ring.push(record)) break;
      ++records;
    }
    state.ResumeTiming();
    while (drain.step() > 0) {
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(records));
  state.counters["page_rows"] = static_cast<double>(
      sqlite::Database(dir.file("history.db"), SQLITE_OPEN_READONLY)
          .query_int("SELECT count(*) FROM page_engagement_rollups"));
}
BENCHMARK(BM_DrainEnrichCommitPageEngagement)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(8);

}  // namespace

BENCHMARK_MAIN();
