// onlookerd killed with SIGKILL again and again while producers write:
// afterwards SQLite holds every record that was not counted as dropped,
// exactly once. Real onlookerd binary, real ring file, real SQLite file.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <string>
#include <thread>

#include "ring_reader.h"
#include "sqlite_db.h"
#include "support/http_client.h"
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

// Steady page views through real nginx, each with a unique query string
// (kept: onlooker_query on) so duplicates would show.
class SteadyLoad {
 public:
  explicit SteadyLoad(unsigned short port) : thread_([this, port] {
      for (int i = 0; running_; ++i) {
        try {
          const auto response = test::http_get(
              port, "/index.html?n=" + std::to_string(i),
              {{"X-Forwarded-For", "10.4." + std::to_string(i / 250 % 250) + "." +
                                       std::to_string(i % 250)}});
          if (response.status == 200) ++answered_;
        } catch (const std::exception&) {
          // a connection cut by a dying worker: not answered, not counted
        }
        std::this_thread::sleep_for(2ms);
      }
    }) {}
  ~SteadyLoad() { stop(); }
  int stop() {
    running_ = false;
    if (thread_.joinable()) thread_.join();
    return answered_;
  }

 private:
  std::atomic<bool> running_{true};
  std::atomic<int> answered_{0};
  std::thread thread_;
};

std::int64_t count(const test::Stack& stack, const std::string& sql) {
  sqlite::Database db(stack.db_path(), SQLITE_OPEN_READONLY);
  db.exec("PRAGMA busy_timeout = 2000");
  return db.query_int(sql);
}

TEST(Fault, OnlookerdKilledRepeatedlyUnderNginxLoadLosesAndDuplicatesNothing) {
  test::Stack stack({.server_directives = "onlooker_query on;"});
  SteadyLoad load(stack.site_port());
  for (int round = 0; round < 5; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(400 + 150 * round));
    EXPECT_EQ(stack.stop_onlookerd(SIGKILL), 128 + SIGKILL);
    std::this_thread::sleep_for(200ms);
    stack.start_onlookerd();
  }
  std::this_thread::sleep_for(300ms);
  const int answered = load.stop();
  ASSERT_GT(answered, 300);
  EXPECT_TRUE(test::eventually([&] { return count(stack, "SELECT count(*) FROM hits") == answered; },
                               5s))
      << count(stack, "SELECT count(*) FROM hits") << " rows for " << answered << " views";
  EXPECT_EQ(count(stack, "SELECT count(DISTINCT path) FROM hits"), answered);
}

TEST(Fault, ReloadAndAKilledWorkerUnderLoadLoseOnlyWhatWasInFlight) {
  test::Stack stack({.server_directives = "onlooker_query on;"});
  SteadyLoad load(stack.site_port());
  std::this_thread::sleep_for(500ms);
  ASSERT_EQ(stack.nginx_signal("reload"), 0);
  std::this_thread::sleep_for(700ms);
  const auto workers = stack.nginx_workers();
  ASSERT_FALSE(workers.empty());
  ::kill(workers.front(), SIGKILL);
  std::this_thread::sleep_for(700ms);
  const int answered = load.stop();
  ASSERT_GT(answered, 200);
  std::int64_t rows = 0;
  // A view is recorded in the log phase, after its response: a worker killed
  // between the two loses that one record, and nothing else.
  EXPECT_TRUE(test::eventually([&] {
    rows = count(stack, "SELECT count(*) FROM hits");
    return rows >= answered - 2 && rows <= answered;
  }, 5s)) << rows << " rows for " << answered << " views";
  EXPECT_EQ(count(stack, "SELECT count(DISTINCT path) FROM hits"), rows);
  EXPECT_EQ(count(stack, "SELECT count(*) FROM hits WHERE kind = 'view'"), rows);
}

}  // namespace
}  // namespace onlooker
