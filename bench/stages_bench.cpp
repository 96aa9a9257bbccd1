// onlookerd's ingest cost by stage (issue 20): each stage of the drain
// thread run alone over the same 65,536-hit batch of bench_traffic's site,
// so that the per-hit costs can be compared with BM_DrainEnrichCommit/1
// (all of them together, in onlooker_ingest_bench) and with each other.
// Every iteration brings people never seen before (new ids, new addresses),
// as the site's traffic does: caches are as warm as they are in the drain.
#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <vector>

#include "bench_traffic.h"
#include "clock.h"
#include "hit_enricher.h"
#include "history_rollups.h"
#include "record_decoder.h"
#include "ring_reader.h"
#include "sqlite_history.h"
#include "support/temp_dir.h"
#include "support/test_ring.h"
#include "visit_tracker.h"

namespace {

using namespace onlooker;

constexpr std::uint64_t batch_hits = 65536;
constexpr std::uint32_t people_per_iteration = 20'000;  // > the 13,107 one batch has

// The iteration-th batch of the site's traffic pushed into `ring` (empty:
// the previous batch was freed), stamped from `ts` on.
void fill_ring(test::TestRing& ring, std::mt19937& random, std::uint32_t iteration,
               std::int64_t ts) {
  for (std::uint64_t n = 1; n <= batch_hits; ++n) {
    ring.push(bench::traffic_record(random, n, ts + static_cast<std::int64_t>(n / 64),
                                    1 + iteration * people_per_iteration));
  }
}

// The batch at [tail, tail + batch_hits) decoded, as the drain loop does.
std::vector<Hit> decode_all(RingReader& reader) {
  std::vector<Hit> hits;
  hits.reserve(batch_hits);
  const std::uint64_t tail = reader.tail();
  for (std::uint64_t pos = tail; pos < tail + batch_hits; ++pos) {
    if (auto hit = decode_record(reader.record(pos), reader.generation(), pos)) {
      hits.push_back(std::move(*hit));
    }
  }
  return hits;
}

std::unique_ptr<HitEnricher> make_enricher() {
  return std::make_unique<HitEnricher>(EnrichmentSources{
      .geo_paths = {ONLOOKER_BENCH_DBIP_V4, ONLOOKER_BENCH_DBIP_V6},
      .ua = {UaRegexesSource::Kind::file, ONLOOKER_BENCH_UAP_REGEXES}});
}

// One batch per iteration through `stage`, after `prepare` (not timed)
// has made its input from the decoded hits.
template <class Prepare, class Stage>
void run_stage(benchmark::State& state, Prepare prepare, Stage stage) {
  test::TempDir dir;
  test::TestRing ring(dir.file("ring"), batch_hits);
  RingReader reader(dir.file("ring"));
  std::mt19937 random(2);
  std::uint32_t iteration = 0;
  const std::int64_t t0 = unix_now_ms();
  for (auto _ : state) {
    state.PauseTiming();
    fill_ring(ring, random, iteration, t0 + std::int64_t{iteration} * 1'100);
    auto input = prepare(reader, iteration++);
    state.ResumeTiming();
    stage(reader, input);
    state.PauseTiming();
    reader.free_until(reader.tail() + batch_hits);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch_hits));
}

void BM_StageDecode(benchmark::State& state) {
  run_stage(
      state, [](RingReader&, std::uint32_t) { return 0; },
      [](RingReader& reader, int) { benchmark::DoNotOptimize(decode_all(reader)); });
}
BENCHMARK(BM_StageDecode)->Unit(benchmark::kMillisecond)->Iterations(8);

void BM_StageEnrich(benchmark::State& state) {
  const auto enricher = make_enricher();
  run_stage(
      state, [](RingReader& reader, std::uint32_t) { return decode_all(reader); },
      [&](RingReader&, std::vector<Hit>& hits) {
        for (Hit& hit : hits) enricher->enrich(hit);
      });
}
BENCHMARK(BM_StageEnrich)->Unit(benchmark::kMillisecond)->Iterations(8);

void BM_StageVisitTracker(benchmark::State& state) {
  VisitTracker tracker(PresenceSettings{});
  std::vector<Visit> closed;
  run_stage(
      state, [](RingReader& reader, std::uint32_t) { return decode_all(reader); },
      [&](RingReader&, std::vector<Hit>& hits) {
        for (Hit& hit : hits) benchmark::DoNotOptimize(tracker.apply(hit, closed));
        closed.clear();
      });
}
BENCHMARK(BM_StageVisitTracker)->Unit(benchmark::kMillisecond)->Iterations(8);

void BM_StageRollups(benchmark::State& state) {
  HistoryRollups rollups;
  run_stage(
      state,
      [&](RingReader& reader, std::uint32_t) {
        auto hits = decode_all(reader);
        for (const RollupBucket& bucket : rollups.missing(hits)) rollups.provide(bucket, {});
        return hits;
      },
      [&](RingReader&, std::vector<Hit>& hits) {
        benchmark::DoNotOptimize(rollups.add(hits));
        rollups.confirm();
      });
}
BENCHMARK(BM_StageRollups)->Unit(benchmark::kMillisecond)->Iterations(8);

// The whole SQLite commit of enriched hits and the visits they close:
// hits, visits, rollups, the ring position, in 16 transactions of 4,096.
void BM_StageSqliteCommit(benchmark::State& state) {
  const auto enricher = make_enricher();
  test::TempDir db_dir;
  SqliteHistory history(db_dir.file("history.db"));
  VisitTracker tracker(PresenceSettings{});
  std::uint64_t seq = 0;
  struct Input {
    std::vector<Hit> hits;
    std::vector<Visit> visits;
  };
  run_stage(
      state,
      [&](RingReader& reader, std::uint32_t) {
        Input input{decode_all(reader), {}};
        std::erase_if(input.hits, [&](Hit& hit) {
          enricher->enrich(hit);
          return tracker.apply(hit, input.visits) != Presence::counted;
        });
        return input;
      },
      [&](RingReader&, Input& input) {
        const std::span<const Hit> hits = input.hits;
        for (std::size_t done = 0; done < hits.size(); done += 4096) {
          const auto part = hits.subspan(done, std::min<std::size_t>(4096, hits.size() - done));
          seq += part.size();
          history.commit({part, done == 0 ? std::span<const Visit>(input.visits)
                                          : std::span<const Visit>(),
                          {1, seq}});
        }
      });
}
BENCHMARK(BM_StageSqliteCommit)->Unit(benchmark::kMillisecond)->Iterations(8);

}  // namespace

BENCHMARK_MAIN();
