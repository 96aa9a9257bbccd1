// onlookerd's side of the pipeline on one core: the live set as it grows
// (1k..1M visitors), and drain -> enrich -> SQLite commit with realistic
// User-Agent and address mixes. Also writes the same hits as a combined
// access log (--write-combined-log=PATH) for the GoAccess comparison in
// bench/run.sh.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench_traffic.h"
#include "clock.h"
#include "drain_loop.h"
#include "hit_enricher.h"
#include "live_set.h"
#include "record_decoder.h"
#include "sqlite_history.h"
#include "support/temp_dir.h"
#include "support/test_ring.h"

namespace {

using namespace onlooker;
using bench::make_hit;

// Cost of one hit as the live set grows: visitors cycle through N ids.
void BM_LiveSetApply(benchmark::State& state) {
  const auto visitors = static_cast<std::uint32_t>(state.range(0));
  LiveSet live(300'000);
  std::mt19937 random(1);
  std::vector<Hit> hits;
  for (std::uint32_t i = 0; i < 4096; ++i) hits.push_back(make_hit(random, i, 0));
  for (std::uint32_t v = 0; v < visitors; ++v) {  // fill to N first
    Hit& hit = hits[v % hits.size()];
    std::memcpy(hit.visitor.data(), &v, sizeof v);
    live.apply(hit);
  }
  std::uint32_t next = 0;
  std::int64_t ts = 1;
  for (auto _ : state) {
    Hit& hit = hits[next % hits.size()];
    const std::uint32_t v = next % visitors;
    std::memcpy(hit.visitor.data(), &v, sizeof v);
    hit.ts_ms = ++ts;
    benchmark::DoNotOptimize(live.apply(hit));
    ++next;
  }
  state.SetItemsProcessed(state.iterations());
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["visitors"] = static_cast<double>(live.size());
  state.counters["max_rss_MiB"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
}
BENCHMARK(BM_LiveSetApply)->Arg(1'000)->Arg(10'000)->Arg(100'000)->Arg(1'000'000);

// Drained into the live set: decode each ring record and apply it, as the
// live view does with every hit (no enrichment, no SQLite).
void BM_DrainIntoLiveSet(benchmark::State& state) {
  test::TempDir dir;
  test::TestRing ring(dir.file("ring"), 65536);
  RingReader reader(dir.file("ring"));
  LiveSet live(300'000);
  std::mt19937 random(3);
  std::uint64_t drained = 0;
  std::uint32_t n = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (;; ++n) {
      const Hit hit = make_hit(random, n % 100'000, 1'795'000'000'000 + n / 100);
      if (!ring.push({.ts_ms = static_cast<std::uint64_t>(hit.ts_ms), .host = hit.host,
                      .path = hit.path, .referrer = hit.referrer, .user_agent = std::string(hit.user_agent),
                      .visitor_number = n % 100'000 + 1})) {
        break;
      }
    }
    state.ResumeTiming();
    std::uint64_t pos = reader.tail();
    while (reader.state(pos) == SlotState::ready) {
      if (auto hit = decode_record(reader.record(pos), reader.generation(), pos)) {
        benchmark::DoNotOptimize(live.apply(*hit));
      }
      ++pos;
    }
    drained += pos - reader.tail();
    reader.free_until(pos);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(drained));
  state.counters["visitors"] = static_cast<double>(live.size());
}
BENCHMARK(BM_DrainIntoLiveSet)->Unit(benchmark::kMillisecond);

struct NullFeed final : HitFeed {
  void publish(std::shared_ptr<const std::vector<Hit>>) override {}
};

// The drain thread's whole job for a ring of 65,536 realistic records:
// decode, enrich (Arg 1: geo + uap), visit tracking, commit to SQLite.
void BM_DrainEnrichCommit(benchmark::State& state) {
  const bool enrich = state.range(0) != 0;
  test::TempDir dir;
  test::TestRing ring(dir.file("ring"), 65536);
  RingReader reader(dir.file("ring"));
  SqliteHistory history(dir.file("history.db"));
  NullFeed feed;
  std::unique_ptr<HitEnricher> enricher;
  if (enrich) {
    enricher = std::make_unique<HitEnricher>(EnrichmentSources{
        .geo_paths = {ONLOOKER_BENCH_DBIP_V4, ONLOOKER_BENCH_DBIP_V6},
        .ua = {UaRegexesSource::Kind::file, ONLOOKER_BENCH_UAP_REGEXES}});
  }
  DrainLoop drain(reader, history, feed,
                  {.max_batch = 4096, .commit_interval = std::chrono::milliseconds(0)},
                  enricher.get());
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
}
BENCHMARK(BM_DrainEnrichCommit)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(8);

// The same, enriched, in the shape a busy onlookerd drains: each wake reads
// what nginx has written since (Arg: records a read), and a commit takes the
// reads of a whole batch (4,096 records) together.
void BM_DrainEnrichCommitInSmallReads(benchmark::State& state) {
  const auto read = static_cast<std::uint64_t>(state.range(0));
  test::TempDir dir;
  test::TestRing ring(dir.file("ring"), 65536);
  RingReader reader(dir.file("ring"));
  SqliteHistory history(dir.file("history.db"));
  NullFeed feed;
  HitEnricher enricher(EnrichmentSources{
      .geo_paths = {ONLOOKER_BENCH_DBIP_V4, ONLOOKER_BENCH_DBIP_V6},
      .ua = {UaRegexesSource::Kind::file, ONLOOKER_BENCH_UAP_REGEXES}});
  DrainLoop drain(reader, history, feed,
                  {.max_batch = 4096, .commit_interval = std::chrono::hours(1)}, &enricher);
  std::mt19937 random(2);
  std::uint64_t records = 0;
  std::uint64_t n = 0;
  for (auto _ : state) {
    for (std::uint64_t part = 0; part < 65536 / read; ++part) {
      state.PauseTiming();
      for (std::uint64_t i = 0; i < read; ++i) {
        if (!ring.push(bench::traffic_record(random, ++n, unix_now_ms()))) break;
        ++records;
      }
      state.ResumeTiming();
      drain.step();
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(records));
}
BENCHMARK(BM_DrainEnrichCommitInSmallReads)->Arg(512)->Unit(benchmark::kMillisecond)->Iterations(8);

// The first commit after onlookerd starts loads the unique visitors already
// counted in the hour and the day it falls in (every view stored in them)
// before it can count new ones; the ring must hold the traffic meanwhile.
// Arg: views stored in that hour (and so in that day), from 1,000 people.
void BM_FirstCommitAfterRestart(benchmark::State& state) {
  const auto views = static_cast<std::size_t>(state.range(0));
  test::TempDir dir;
  constexpr std::int64_t ten_past_midnight = 1'794'960'600'000;
  std::mt19937 random(4);
  {
    SqliteHistory history(dir.file("history.db"));
    std::vector<Hit> batch;
    for (std::size_t n = 0; n < views; ++n) {
      Hit hit = make_hit(random, static_cast<std::uint32_t>(n % 1000), ten_past_midnight);
      hit.country_code = n % 5 == 0 ? "GB" : "DE";
      batch.push_back(std::move(hit));
      if (batch.size() == 4096 || n + 1 == views) {
        history.commit({batch, {}, {1, n + 1}});
        batch.clear();
      }
    }
  }
  std::uint64_t seq = views;
  using Clock = std::chrono::steady_clock;
  auto ms = [](Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  for (auto _ : state) {
    // The first commit stores its hits at once; the hour's and the day's
    // visitors load in the background, and the commit's views are counted
    // once they have (catch_up(), which the idle drain loop calls).
    const auto start = Clock::now();
    SqliteHistory history(dir.file("history.db"));
    const std::vector<Hit> probe{make_hit(random, 4242, ten_past_midnight)};
    history.commit({probe, {}, {1, ++seq}});
    const auto committed = Clock::now();
    while (history.rollups_behind() > 0) {
      history.catch_up();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    state.counters["first_commit_ms"] = ms(committed - start);
    state.counters["counted_ms"] = ms(Clock::now() - start);
  }
  state.counters["views_loaded_per_s"] = benchmark::Counter(
      static_cast<double>(2 * views), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_FirstCommitAfterRestart)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

}  // namespace

// --write-combined-log=PATH N: the same kind of traffic as a combined log.
int main(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strncmp(argv[i], "--write-combined-log=", 21) == 0) {
      std::ofstream log(argv[i] + 21);
      std::mt19937 random(2);
      const long lines = std::atol(argv[i + 1]);
      for (long n = 0; n < lines; ++n) {
        const Hit hit = make_hit(random, static_cast<std::uint32_t>(n % 50'000), n);
        const auto* b = hit.address.bytes.data();
        log << int(b[0]) << '.' << int(b[1]) << '.' << int(b[2]) << '.' << int(b[3])
            << " - - [24/Nov/2026:14:00:" << (10 + n % 50) << " +0000] \"GET " << hit.path
            << " HTTP/1.1\" 200 1234 \"" << (hit.referrer.empty() ? "-" : "https://" + hit.referrer)
            << "\" \"" << hit.user_agent << "\"\n";
      }
      return 0;
    }
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
