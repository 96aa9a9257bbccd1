// Ingest per node by history store and cluster link (issue 17): the drain
// thread's whole job (decode, geo + uap-core enrichment, visit tracking,
// commit with the ring position) into
//   sqlite          a SQLite file, as BM_DrainEnrichCommit/1 does;
//   postgresql      a real PostgreSQL 15 (started here, initdb + pg_ctl as
//                   tests/support/postgres_server does), one database a cell;
//   sqlite+cluster  SQLite, the hits also going out on the cluster link to a
//                   real redis-server (XADD by the link's writer thread, and
//                   this node's reader XREADing them back, as --cluster does).
// The cells run interleaved (round 1: every variant, round 2: every variant,
// ...), each with a fresh store, ring and people never seen before, so that
// the load of the machine falls on all of them alike; medians and the
// ratios to sqlite of the same round are printed at the end.
//
// A cell's time runs from the first read of the ring to the last commit
// (for the cluster: until Redis holds every batch the drain published);
// ring filling is not counted. Besides hits per second of wall time it
// reports the CPU time of this process per hit (every thread: the link's
// too) and, for PostgreSQL, the server's (its postmaster and children).
//
//   onlooker_history_ingest_bench [--rounds=N] [--fills=N] [--batch=N]
//       [--variants=sqlite,postgresql,sqlite+cluster] [--pg-settings='-c k=v ...']
//   defaults: 3 rounds, 4 fills of the 65,536-slot ring a cell, batches of
//   4,096 (onlookerd's), PostgreSQL with its own defaults (fsync on).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_traffic.h"
#include "clock.h"
#include "cluster_link.h"
#include "drain_loop.h"
#include "hit_enricher.h"
#include "pg_history.h"
#include "process_cpu.h"
#include "sqlite_history.h"
#include "support/postgres_server.h"
#include "support/redis_server.h"
#include "support/temp_dir.h"
#include "support/test_ring.h"

namespace {

using namespace onlooker;
using Clock = std::chrono::steady_clock;

constexpr std::uint64_t ring_slots = 65536;
constexpr std::uint32_t people_per_fill = 20'000;  // > the 13,107 one fill has

struct BenchOptions {
  int rounds = 3;
  int fills = 4;
  std::size_t batch = 4096;
  std::vector<std::string> variants{"sqlite", "postgresql", "sqlite+cluster"};
  std::string pg_settings;
};

struct CountingFeed final : HitFeed {
  void publish(std::shared_ptr<const std::vector<Hit>>) override { ++batches; }
  std::size_t batches = 0;
};

struct CellResult {
  std::uint64_t hits = 0;
  double seconds = 0;
  double process_cpu_seconds = 0;
  double server_cpu_seconds = 0;
  double rate() const { return hits / seconds; }
};

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0 : values[values.size() / 2];
}

class Bench {
 public:
  explicit Bench(BenchOptions options)
      : options_(std::move(options)),
        enricher_(EnrichmentSources{
            .geo_paths = {ONLOOKER_BENCH_DBIP_V4, ONLOOKER_BENCH_DBIP_V6},
            .ua = {UaRegexesSource::Kind::file, ONLOOKER_BENCH_UAP_REGEXES}}) {
    if (wants("postgresql")) postgres_ = std::make_unique<test::PostgresServer>(options_.pg_settings);
    if (wants("sqlite+cluster")) redis_ = std::make_unique<test::RedisServer>();
  }

  CellResult run(const std::string& variant) {
    const std::string cell = std::to_string(++cells_);
    test::TempDir dir;
    test::TestRing ring(dir.file("ring"), ring_slots);
    RingReader reader(dir.file("ring"));
    std::unique_ptr<HistorySink> history;
    const bool on_postgres = variant == "postgresql";
    if (on_postgres) {
      history = std::make_unique<PgHistory>(
          postgres_->create_database("cell_" + cell), "bench-node");
    } else {
      history = std::make_unique<SqliteHistory>(dir.file("history.db"));
    }
    history->committed_position();  // connects and creates the schema, untimed
    CountingFeed counted;
    std::unique_ptr<ClusterLink> link;
    const std::string stream = "onlooker:bench:" + cell;
    if (variant == "sqlite+cluster") {
      std::string error;
      link = std::make_unique<ClusterLink>(
          ClusterSettings{.url = *parse_redis_url(redis_->url(), error),
                          .node = "bench-node",
                          .stream = stream},
          counted, ClusterSink{.remote = [](auto, auto) {}, .link_state = [](bool) {}}, nullptr);
      link->start();
      while (!link->up()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    HitFeed& feed = link ? static_cast<HitFeed&>(*link) : counted;
    DrainLoop drain(reader, *history, feed,
                    {.max_batch = options_.batch, .commit_interval = std::chrono::milliseconds(0)},
                    &enricher_);
    CellResult result;
    std::mt19937 random(2);
    for (int fill = 0; fill < options_.fills; ++fill) {
      const std::int64_t ts = unix_now_ms();
      const std::uint32_t first_visitor = 1 + next_people_;
      next_people_ += people_per_fill;
      for (std::uint64_t n = 1; n <= ring_slots; ++n) {
        if (!ring.push(bench::traffic_record(random, n, ts + static_cast<std::int64_t>(n / 64),
                                             first_visitor))) {
          break;
        }
        ++result.hits;
      }
      const double cpu_before = bench::process_cpu_seconds();
      const double server_before = on_postgres ? server_cpu_seconds() : 0;
      const auto start = Clock::now();
      while (drain.step() > 0) {
      }
      if (link) wait_for_stream(stream, counted.batches);
      result.seconds += std::chrono::duration<double>(Clock::now() - start).count();
      result.process_cpu_seconds += bench::process_cpu_seconds() - cpu_before;
      if (on_postgres) result.server_cpu_seconds += server_cpu_seconds() - server_before;
    }
    if (link) link->stop();
    return result;
  }

  const BenchOptions& options() const { return options_; }

 private:
  bool wants(const std::string& variant) const {
    return std::find(options_.variants.begin(), options_.variants.end(), variant) !=
           options_.variants.end();
  }
  // Until Redis holds an entry for each of the `batches` the link was given
  // (the writer pipelines them behind the drain; no heartbeat is due while
  // it is busy).
  void wait_for_stream(const std::string& stream, std::size_t batches) {
    while (std::stoul("0" + redis_->cli({"XLEN", stream})) < batches) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  double server_cpu_seconds() const { return bench::process_tree_cpu_seconds(postgres_->postmaster_pid()); }

  BenchOptions options_;
  HitEnricher enricher_;
  std::unique_ptr<test::PostgresServer> postgres_;
  std::unique_ptr<test::RedisServer> redis_;
  std::uint32_t next_people_ = 0;
  int cells_ = 0;
};

BenchOptions parse(int argc, char** argv) {
  BenchOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const char* name) -> const char* {
      const std::size_t length = std::strlen(name);
      return arg.compare(0, length, name) == 0 ? argv[i] + length : nullptr;
    };
    if (const char* v = value("--rounds=")) {
      options.rounds = std::stoi(v);
    } else if (const char* v = value("--fills=")) {
      options.fills = std::stoi(v);
    } else if (const char* v = value("--batch=")) {
      options.batch = std::stoul(v);
    } else if (const char* v = value("--pg-settings=")) {
      options.pg_settings = v;
    } else if (const char* v = value("--variants=")) {
      options.variants.clear();
      std::stringstream list(v);
      for (std::string name; std::getline(list, name, ',');) options.variants.push_back(name);
    } else {
      throw std::invalid_argument("unknown argument " + arg);
    }
  }
  for (const auto& variant : options.variants) {
    if (variant != "sqlite" && variant != "postgresql" && variant != "sqlite+cluster") {
      throw std::invalid_argument("unknown variant " + variant);
    }
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Bench bench(parse(argc, argv));
    const BenchOptions& options = bench.options();
    std::printf("%d rounds, %d x %llu hits a cell, batches of %zu, PostgreSQL settings '%s'\n",
                options.rounds, options.fills, static_cast<unsigned long long>(ring_slots),
                options.batch, options.pg_settings.c_str());
    std::map<std::string, std::vector<CellResult>> results;
    for (int round = 1; round <= options.rounds; ++round) {
      for (const auto& variant : options.variants) {
        const CellResult cell = bench.run(variant);
        results[variant].push_back(cell);
        std::printf("round %d %-15s %9.0f hits/s  process CPU %6.0f ns/hit  server CPU %6.0f ns/hit\n",
                    round, variant.c_str(), cell.rate(), cell.process_cpu_seconds / cell.hits * 1e9,
                    cell.server_cpu_seconds / cell.hits * 1e9);
        std::fflush(stdout);
      }
    }
    const std::string& base = options.variants.front();
    std::printf("medians (ratio: each round's cell over the same round's %s, median)\n", base.c_str());
    for (const auto& variant : options.variants) {
      std::vector<double> rates, ratios, cpu, server;
      for (std::size_t r = 0; r < results[variant].size(); ++r) {
        const CellResult& cell = results[variant][r];
        rates.push_back(cell.rate());
        ratios.push_back(cell.rate() / results[base][r].rate());
        cpu.push_back(cell.process_cpu_seconds / cell.hits * 1e9);
        server.push_back(cell.server_cpu_seconds / cell.hits * 1e9);
      }
      std::printf("%-15s %9.0f hits/s  ratio %.2f  process CPU %6.0f ns/hit  server CPU %6.0f ns/hit\n",
                  variant.c_str(), median(rates), median(ratios), median(cpu), median(server));
    }
    return 0;
  } catch (const std::exception& failure) {
    std::fprintf(stderr, "onlooker_history_ingest_bench: %s\n", failure.what());
    return 1;
  }
}
