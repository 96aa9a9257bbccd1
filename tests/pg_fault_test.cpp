// Faults with a real PostgreSQL behind --db postgresql://: onlookerd
// SIGKILLed under load, PostgreSQL down for a minute under load, PostgreSQL
// down when onlookerd starts. Each ends with hits rows = records written,
// none twice.
#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>
#include <memory>
#include <thread>

#include <nlohmann/json.hpp>

#include "clock.h"
#include "support/http_client.h"
#include "support/postgres_server.h"
#include "support/process.h"
#include "support/stack.h"
#include "support/temp_dir.h"
#include "support/test_ring.h"

namespace onlooker {
namespace {

using namespace std::chrono_literals;

struct PgRig {
  explicit PgRig(std::uint64_t ring_slots = 65536) : ring(dir.file("ring"), ring_slots) {}

  test::TempDir dir;
  test::PostgresServer postgres;
  std::string db = postgres.create_database("onlooker");
  test::TestRing ring;
  unsigned short port = test::free_port();

  std::unique_ptr<test::Process> start_onlookerd() {
    return std::make_unique<test::Process>(
        std::vector<std::string>{test::onlookerd_path(), "--ring", dir.file("ring"), "--db", db,
                                 "--listen", "127.0.0.1:" + std::to_string(port)},
        dir.file("onlookerd.log"));
  }
  std::int64_t query(const std::string& sql) { return std::stoll(postgres.psql("onlooker", sql)); }
  // onlookerd's answer to GET target ("" while it refuses connections).
  std::string get(const std::string& target) const {
    try {
      return test::http_get(port, target).body;
    } catch (const std::exception&) {
      return "";
    }
  }
  bool drained() {
    const auto* header = ring.header();
    return __atomic_load_n(&header->tail, __ATOMIC_ACQUIRE) == header->head;
  }
  // Lets a running onlookerd drain the ring, stops it cleanly, and checks
  // that every record written is one row, none twice (ts is unique per record).
  void drain_and_check(test::Process& onlookerd) {
    ASSERT_TRUE(test::eventually([&] { return drained(); }, 60s))
        << test::read_file(dir.file("onlookerd.log"));
    EXPECT_EQ(onlookerd.stop(SIGTERM), 0);
    const auto* header = ring.header();
    const auto written = static_cast<std::int64_t>(header->head);
    EXPECT_GT(written, 1000);
    EXPECT_EQ(header->torn, 0u);
    EXPECT_EQ(header->dropped, 0u) << "the ring was too small for the test";
    EXPECT_EQ(query("SELECT count(*) FROM hits"), written);
    EXPECT_EQ(query("SELECT count(DISTINCT ts) FROM hits"), written) << "duplicates in history";
  }
};

// Writes about `per_10ms` records every 10 ms with unique ts until stopped.
class Producer {
 public:
  Producer(test::TestRing& ring, int per_10ms)
      : thread_([this, &ring, per_10ms] {
          std::uint64_t n = 0;
          while (running_.load()) {
            for (int i = 0; i < per_10ms; ++i) ring.push({.ts_ms = ++n, .path = "/load"});
            std::this_thread::sleep_for(10ms);
          }
        }) {}
  ~Producer() { stop(); }
  void stop() {
    running_ = false;
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::atomic<bool> running_{true};
  std::thread thread_;
};

TEST(PgFault, KilledOnlookerdLosesAndDuplicatesNothingInPostgres) {
  PgRig rig;
  Producer producer(rig.ring, 100);  // ~10,000 records/s
  for (int round = 0; round < 8; ++round) {
    auto onlookerd = rig.start_onlookerd();
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + 37 * (round % 5)));
    EXPECT_EQ(onlookerd->stop(SIGKILL), 128 + SIGKILL);
  }
  producer.stop();
  auto onlookerd = rig.start_onlookerd();
  rig.drain_and_check(*onlookerd);
}

// The issue's "PostgreSQL down for a minute", with hits flowing all along.
// The ring is sized as docs/DESIGN.md says (records/s x outage seconds, 1 KiB
// a slot): ~2,000 records/s for 60 s is 120,000 records, so 131,072 slots
// (size=128m). Its own suite: it needs more than the integration tests' 60 s.
TEST(PgOutage, PostgresDownForAMinuteUnderLoadLosesAndDuplicatesNothing) {
  PgRig rig(131072);
  auto onlookerd = rig.start_onlookerd();
  Producer producer(rig.ring, 20);  // ~2,000 records/s
  std::this_thread::sleep_for(1s);
  rig.postgres.stop();
  const std::uint64_t written_at_stop = rig.ring.header()->head;
  std::this_thread::sleep_for(60s);
  const std::uint64_t held = rig.ring.header()->head - written_at_stop;
  // The producer aims at ~2,000 a second; on a loaded machine it gets less
  // (92,200 in one run beside a build), so the bar is half that rate.
  EXPECT_GT(held, 60'000u) << "a minute's records, all still in the ring";
  EXPECT_FALSE(rig.drained());  // nothing committed, nothing freed
  EXPECT_TRUE(onlookerd->running());
  rig.postgres.start();
  std::this_thread::sleep_for(1s);
  producer.stop();
  rig.drain_and_check(*onlookerd);
}

// While it waits for the server, onlookerd serves: /metrics, the live
// snapshot and the dashboard say history is down instead of refusing
// connections; once PostgreSQL answers they say up and the ring drains.
TEST(PgFault, PostgresDownAtStartIsRetriedServedMeanwhileAndNothingIsLost) {
  PgRig rig;
  rig.postgres.stop();
  auto onlookerd = rig.start_onlookerd();
  Producer producer(rig.ring, 40);
  ASSERT_TRUE(test::eventually(
      [&] {
        return test::read_file(rig.dir.file("onlookerd.log")).find("history store unreachable") !=
               std::string::npos;
      },
      10s));
  EXPECT_TRUE(onlookerd->running());  // it waits, it does not exit
  EXPECT_TRUE(test::eventually(
      [&] { return rig.get("/metrics").find("\nonlooker_history_up 0\n") != std::string::npos; },
      5s))
      << rig.get("/metrics");
  EXPECT_NE(rig.get("/api/live").find("\"history\":\"down\""), std::string::npos)
      << rig.get("/api/live");
  EXPECT_NE(rig.get("/").find("<html"), std::string::npos) << "the dashboard is served";
  EXPECT_FALSE(rig.drained());
  std::this_thread::sleep_for(1s);
  rig.postgres.start();
  EXPECT_TRUE(test::eventually(
      [&] { return rig.get("/api/live").find("\"history\":\"up\"") != std::string::npos; },
      40s))
      << rig.get("/api/live");
  EXPECT_NE(rig.get("/metrics").find("\nonlooker_history_up 1\n"), std::string::npos);
  producer.stop();
  rig.drain_and_check(*onlookerd);
  // The log names the server, never the URI's user or password.
  EXPECT_EQ(test::read_file(rig.dir.file("onlookerd.log")).find("postgres@"), std::string::npos);
}

}  // namespace
}  // namespace onlooker

namespace onlooker {
namespace {

// -1 while onlookerd does not answer yet.
std::int64_t live_active(unsigned short port) {
  try {
    const auto response = test::http_get(port, "/api/live");
    if (response.status != 200) return -1;
    return nlohmann::json::parse(response.body).at("active").get<std::int64_t>();
  } catch (const std::exception&) {
    return -1;
  }
}

// The live set is rebuilt from the last --active-window of PostgreSQL
// history, as from SQLite: a SIGKILLed onlookerd comes back with everyone.
TEST(PgFault, AKilledOnlookerdRebuildsTheLiveSetFromPostgres) {
  PgRig rig;
  const auto now = static_cast<std::uint64_t>(unix_now_ms());
  // Older than the window: stored, not brought back.
  ASSERT_TRUE(rig.ring.push({.ts_ms = now - 400'000, .visitor_byte = 9, .path = "/gone"}));
  for (std::uint8_t who = 1; who <= 5; ++who) {
    ASSERT_TRUE(rig.ring.push({.ts_ms = now - 1'000 + who, .visitor_byte = who, .path = "/here"}));
  }
  auto onlookerd = rig.start_onlookerd();
  ASSERT_TRUE(test::eventually([&] { return live_active(rig.port) == 5; }, 10s))
      << test::read_file(rig.dir.file("onlookerd.log"));
  ASSERT_TRUE(test::eventually([&] { return rig.drained(); }, 10s));
  ASSERT_EQ(rig.query("SELECT count(*) FROM hits"), 6);
  onlookerd->stop(SIGKILL);
  onlookerd = rig.start_onlookerd();
  ASSERT_TRUE(test::eventually([&] { return live_active(rig.port) >= 0; }, 10s));
  EXPECT_EQ(live_active(rig.port), 5) << test::read_file(rig.dir.file("onlookerd.log"));
  EXPECT_NE(test::read_file(rig.dir.file("onlookerd.log"))
                .find("msg=\"live set restored from history\" hits=5 visits=5"),
            std::string::npos)
      << test::read_file(rig.dir.file("onlookerd.log"));
  EXPECT_EQ(onlookerd->stop(SIGTERM), 0);
  EXPECT_EQ(rig.query("SELECT count(*) FROM hits"), 6);  // nothing stored twice
}

}  // namespace
}  // namespace onlooker
