// onlookerd killed with SIGKILL again and again while producers write:
// afterwards SQLite holds every record that was not counted as dropped,
// exactly once. Real onlookerd binary, real ring file, real SQLite file.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <thread>

#include "ring_reader.h"
#include "sqlite_db.h"
#include "support/process.h"
#include "support/stack.h"
#include "support/temp_dir.h"
#include "support/test_ring.h"

namespace onlooker {
namespace {

using namespace std::chrono_literals;

TEST(Fault, KilledOnlookerdLosesAndDuplicatesNothing) {
  test::TempDir dir;
  test::TestRing ring(dir.file("ring"), 4096);
  const std::string db = dir.file("history.db");
  const unsigned short port = test::free_port();
  auto start = [&] {
    return std::make_unique<test::Process>(
        std::vector<std::string>{test::onlookerd_path(), "--ring", dir.file("ring"), "--db", db,
                                 "--listen", "127.0.0.1:" + std::to_string(port)},
        dir.file("onlookerd.log"));
  };

  // A producer at about 20,000 records/s, each with a unique ts.
  std::atomic<bool> producing{true};
  std::thread producer([&] {
    std::uint64_t n = 0;
    while (producing.load()) {
      for (int i = 0; i < 200; ++i) ring.push({.ts_ms = ++n, .path = "/load"});
      std::this_thread::sleep_for(10ms);
    }
  });

  for (int round = 0; round < 12; ++round) {
    auto onlookerd = start();
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + 37 * (round % 5)));
    EXPECT_EQ(onlookerd->stop(SIGKILL), 128 + SIGKILL);
  }
  producing = false;
  producer.join();

  // A last, clean run drains the rest.
  auto onlookerd = start();
  const auto* header = ring.header();
  ASSERT_TRUE(test::eventually(
      [&] { return __atomic_load_n(&header->tail, __ATOMIC_ACQUIRE) == header->head; }, 10s))
      << test::read_file(dir.file("onlookerd.log"));
  EXPECT_EQ(onlookerd->stop(SIGTERM), 0);

  sqlite::Database history(db, SQLITE_OPEN_READONLY);
  const auto rows = history.query_int("SELECT count(*) FROM hits");
  const auto distinct = history.query_int("SELECT count(DISTINCT ts) FROM hits");
  const auto written = static_cast<std::int64_t>(header->head);
  const auto torn = static_cast<std::int64_t>(header->torn);
  EXPECT_GT(written, 1000);
  EXPECT_EQ(torn, 0);
  EXPECT_EQ(rows, written - torn) << "dropped " << header->dropped;
  EXPECT_EQ(distinct, rows) << "duplicates in history";
}

}  // namespace
}  // namespace onlooker
