// Faults with a real PostgreSQL behind --db postgresql://: onlookerd
// SIGKILLed under load, PostgreSQL stopped under load, PostgreSQL down when
// onlookerd starts. Each ends with hits rows = records written, none twice.
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
  test::TempDir dir;
  test::PostgresServer postgres;
  std::string db = postgres.create_database("onlooker");
  test::TestRing ring{dir.file("ring"), 65536};
  unsigned short port = test::free_port();

  std::unique_ptr<test::Process> start_onlookerd() {
    return std::make_unique<test::Process>(
        std::vector<std::string>{test::onlookerd_path(), "--ring", dir.file("ring"), "--db", db,
                                 "--listen", "127.0.0.1:" + std::to_string(port)},
        dir.file("onlookerd.log"));
  }
  std::int64_t query(const std::string& sql) { return std::stoll(postgres.psql("onlooker", sql)); }
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

// A real outage of 5 s (not the issue's 30 s, to keep the suite short; the
// code path is the same: commits fail, the ring holds the records).
TEST(PgFault, PostgresStoppedUnderLoadLosesAndDuplicatesNothing) {
  PgRig rig;
  auto onlookerd = rig.start_onlookerd();
  Producer producer(rig.ring, 40);  // ~4,000 records/s: 20,000 in the outage
  std::this_thread::sleep_for(1s);
  rig.postgres.stop();
  std::this_thread::sleep_for(5s);
  EXPECT_FALSE(rig.drained());  // nothing committed, nothing freed
  rig.postgres.start();
  std::this_thread::sleep_for(1s);
  producer.stop();
  rig.drain_and_check(*onlookerd);
}

TEST(PgFault, PostgresDownAtStartIsRetriedAndNothingIsLost) {
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
  std::this_thread::sleep_for(1s);
  rig.postgres.start();
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
