// The whole path with real parts: Debian's nginx loading the built module,
// a real onlookerd, a real SQLite file, real HTTP and WebSocket clients.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <algorithm>
#include <cstring>
#include <thread>

#include "onlooker_ring.h"
#include "onlooker_version.h"
#include "sqlite_db.h"
#include "support/http_client.h"
#include "support/stack.h"

namespace onlooker {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::eventually;
using test::http_get;
using test::Stack;
using test::WebSocketClient;

// A page view from a client of its own: the address is forwarded through
// X-Forwarded-For, which the test nginx trusts from loopback (realip).
int view(const Stack& stack, const std::string& target, const std::string& client = "10.0.0.1",
         const std::string& agent = "Mozilla/5.0 (X11; Linux x86_64) Test") {
  return http_get(stack.site_port(), target,
                  {{"X-Forwarded-For", client}, {"User-Agent", agent}})
      .status;
}

json live(const Stack& stack, const std::string& query = "") {
  const auto response = http_get(stack.site_port(), "/onlooker/api/live" + query);
  EXPECT_EQ(response.status, 200);
  return json::parse(response.body);
}

std::int64_t rows(const Stack& stack, const std::string& where = "1") {
  sqlite::Database db(stack.db_path(), SQLITE_OPEN_READONLY);
  db.exec("PRAGMA busy_timeout = 2000");
  return db.query_int("SELECT count(*) FROM hits WHERE " + where);
}

bool has_page(const json& snapshot, const std::string& path, int viewers) {
  for (const auto& page : snapshot.at("pages")) {
    if (page.at("path") == path && page.at("viewers") == viewers) return true;
  }
  return false;
}

TEST(WalkingSkeleton, PageViewIsLiveThroughNginxWithinTwoSeconds) {
  Stack stack;
  EXPECT_EQ(live(stack).at("active"), 0);
  ASSERT_EQ(view(stack, "/index.html"), 200);
  EXPECT_TRUE(eventually([&] { return live(stack).at("active") == 1; }, 2s))
      << live(stack).dump() << stack.onlookerd_log();
  EXPECT_TRUE(has_page(live(stack), "/index.html", 1)) << live(stack).dump();
  EXPECT_EQ(http_get(stack.site_port(), "/onlooker/healthz").status, 200);
}

TEST(WalkingSkeleton, ViewsAreStoredInSqliteWithoutTheQueryString) {
  Stack stack;
  ASSERT_EQ(view(stack, "/about.html?utm_source=x&token=secret"), 200);
  ASSERT_TRUE(eventually([&] { return rows(stack) == 1; }, 2s)) << stack.onlookerd_log();
  sqlite::Database db(stack.db_path(), SQLITE_OPEN_READONLY);
  sqlite::Statement row(db, "SELECT ts, visitor, kind, host, path, status FROM hits");
  ASSERT_TRUE(row.step());
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  EXPECT_NEAR(static_cast<double>(row.column_int(0)), static_cast<double>(now_ms), 10'000.0);
  EXPECT_EQ(row.column_text(1).size(), 32u);
  EXPECT_EQ(row.column_text(2), "view");
  EXPECT_EQ(row.column_text(3), "127.0.0.1");
  EXPECT_EQ(row.column_text(4), "/about.html");
  EXPECT_EQ(row.column_int(5), 200);
}

TEST(WalkingSkeleton, AssetsErrorsAndOtherMethodsAreNotViews) {
  Stack stack;
  ASSERT_EQ(view(stack, "/style.css"), 200);
  ASSERT_EQ(view(stack, "/missing.html"), 404);
  ASSERT_EQ(http_get(stack.site_port(), "/onlooker/api/live").status, 200);
  ASSERT_EQ(view(stack, "/index.html"), 200);  // a marker: once it is stored, so are the rest
  ASSERT_TRUE(eventually([&] { return rows(stack, "path = '/index.html'") == 1; }, 2s));
  EXPECT_EQ(rows(stack), 1);
}

TEST(WalkingSkeleton, TwoClientsAreTwoVisitorsAndOneClientIsOne) {
  Stack stack;
  view(stack, "/index.html", "10.0.0.1");
  // A person's next click comes later than the same millisecond: the two
  // workers may log the two views in either order, their times tell which
  // came last.
  std::this_thread::sleep_for(5ms);
  view(stack, "/about.html", "10.0.0.1");
  view(stack, "/index.html", "10.0.0.2");
  ASSERT_TRUE(eventually([&] { return rows(stack) == 3; }, 2s));
  EXPECT_TRUE(eventually([&] { return live(stack).at("active") == 2; }, 2s))
      << live(stack).dump();
  const json snapshot = live(stack);
  EXPECT_TRUE(has_page(snapshot, "/about.html", 1)) << snapshot.dump();
  EXPECT_TRUE(has_page(snapshot, "/index.html", 1)) << snapshot.dump();
  sqlite::Database db(stack.db_path(), SQLITE_OPEN_READONLY);
  EXPECT_EQ(db.query_int("SELECT count(DISTINCT visitor) FROM hits"), 2);
}

TEST(WalkingSkeleton, WebSocketThroughNginxPushesSnapshotsWithNewViews) {
  Stack stack({.onlookerd_args = {"--push-interval", "100"}});
  WebSocketClient client(stack.site_port(), "/onlooker/ws");
  const auto first = client.read(5s);
  ASSERT_TRUE(first.has_value());
  const json initial = json::parse(*first);
  EXPECT_EQ(initial.at("type"), "snapshot");
  EXPECT_EQ(initial.at("active"), 0);

  ASSERT_EQ(view(stack, "/about.html"), 200);
  bool seen = false;
  const auto deadline = std::chrono::steady_clock::now() + 3s;
  while (!seen && std::chrono::steady_clock::now() < deadline) {
    const auto message = client.read(3s);
    ASSERT_TRUE(message.has_value());
    const json snapshot = json::parse(*message);
    EXPECT_EQ(snapshot.at("type"), "snapshot");
    seen = snapshot.at("active") == 1 && has_page(snapshot, "/about.html", 1);
  }
  EXPECT_TRUE(seen);
}

TEST(WalkingSkeleton, VisitorLeavesAfterTheActiveWindowAndASnapshotSaysSo) {
  Stack stack({.onlookerd_args = {"--active-window", "1", "--push-interval", "100"}});
  WebSocketClient client(stack.site_port(), "/onlooker/ws");
  ASSERT_TRUE(client.read(5s).has_value());
  ASSERT_EQ(view(stack, "/index.html"), 200);
  bool arrived = false, left = false;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!left && std::chrono::steady_clock::now() < deadline) {
    const auto message = client.read(5s);
    ASSERT_TRUE(message.has_value());
    const json snapshot = json::parse(*message);
    if (snapshot.at("active") == 1) arrived = true;
    if (arrived && snapshot.at("active") == 0) left = true;
  }
  EXPECT_TRUE(arrived);
  EXPECT_TRUE(left);
  EXPECT_EQ(live(stack).at("active"), 0);
}

TEST(WalkingSkeleton, RingKeepsViewsWhileOnlookerdIsDownAndNothingIsDuplicated) {
  Stack stack;
  for (int i = 0; i < 5; ++i) view(stack, "/index.html?first");
  ASSERT_TRUE(eventually([&] { return rows(stack) == 5; }, 2s));
  EXPECT_EQ(stack.stop_onlookerd(SIGKILL), 128 + SIGKILL);
  for (int i = 0; i < 20; ++i) view(stack, "/about.html");
  stack.start_onlookerd();
  EXPECT_TRUE(eventually([&] { return rows(stack) == 25; }, 3s)) << rows(stack);
  EXPECT_EQ(stack.stop_onlookerd(SIGTERM), 0);
  stack.start_onlookerd();
  view(stack, "/index.html");
  EXPECT_TRUE(eventually([&] { return rows(stack) == 26; }, 3s));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(rows(stack), 26);
}

TEST(WalkingSkeleton, NginxReloadKeepsTheRingAndKeepsCounting) {
  Stack stack;
  view(stack, "/index.html");
  ASSERT_TRUE(eventually([&] { return rows(stack) == 1; }, 2s));
  ASSERT_EQ(stack.nginx_signal("reload"), 0) << stack.nginx_log();
  // Old workers finish and new ones start; every later view still lands.
  std::this_thread::sleep_for(500ms);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(view(stack, "/about.html"), 200);
  EXPECT_TRUE(eventually([&] { return rows(stack) == 11; }, 3s)) << rows(stack);
}

TEST(WalkingSkeleton, KilledWorkerIsRespawnedAndViewsKeepLanding) {
  Stack stack;
  const auto workers = stack.nginx_workers();
  ASSERT_EQ(workers.size(), 2u);
  ASSERT_EQ(::kill(workers[0], SIGKILL), 0);
  ASSERT_TRUE(eventually([&] {
    const auto now = stack.nginx_workers();
    return now.size() == 2 && std::find(now.begin(), now.end(), workers[0]) == now.end();
  }, 5s));
  for (int i = 0; i < 20; ++i) ASSERT_EQ(view(stack, "/index.html"), 200);
  EXPECT_TRUE(eventually([&] { return rows(stack) == 20; }, 3s)) << rows(stack);
}

std::uint64_t ring_generation(const Stack& stack) {
  const std::string header = test::read_file(stack.ring_path()).substr(0, 64);
  std::uint64_t generation = 0;
  std::memcpy(&generation, header.data() + offsetof(onlooker_ring_header, generation),
              sizeof generation);
  return generation;
}

TEST(WalkingSkeleton, BinaryUpgradeKeepsTheRingAndLosesNothing) {
  Stack stack({.daemon = true});
  const std::uint64_t generation = ring_generation(stack);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(view(stack, "/index.html"), 200);
  ASSERT_TRUE(eventually([&] { return rows(stack) == 5; }, 2s));

  const pid_t old_master = stack.nginx_master();
  ASSERT_EQ(::kill(old_master, SIGUSR2), 0);  // start the new binary beside the old
  ASSERT_TRUE(eventually([&] {
    return stack.nginx_master() != old_master && stack.nginx_master() > 0;
  }, 5s)) << stack.nginx_log();
  for (int i = 0; i < 5; ++i) ASSERT_EQ(view(stack, "/about.html"), 200);  // either generation
  ASSERT_EQ(::kill(old_master, SIGQUIT), 0);  // retire the old one
  ASSERT_TRUE(eventually([&] { return ::kill(old_master, 0) != 0; }, 5s));
  for (int i = 0; i < 5; ++i) ASSERT_EQ(view(stack, "/index.html"), 200);

  EXPECT_TRUE(eventually([&] { return rows(stack) == 15; }, 3s)) << rows(stack);
  EXPECT_EQ(ring_generation(stack), generation);
}

TEST(Service, CountEndpointsMetricsAndSeries) {
  Stack stack({.onlookerd_args = {"--push-interval", "50"}});
  WebSocketClient counter(stack.site_port(), "/onlooker/ws?count");
  ASSERT_EQ(json::parse(counter.read(5s).value()), json::parse(R"({"type":"count","active":0,"reading":0})"));
  view(stack, "/index.html", "10.0.0.7");
  json message;
  do {
    message = json::parse(counter.read(3s).value());
    EXPECT_EQ(message.at("type"), "count");
    EXPECT_EQ(message.size(), 3u);  // only the numbers: safe to show visitors
  } while (message.at("active") != 1);

  const auto count = http_get(stack.site_port(), "/onlooker/api/count");
  EXPECT_EQ(count.status, 200);
  // Just viewed a page: reading (no beacon.js, so no hide can say otherwise).
  EXPECT_EQ(json::parse(count.body), json::parse(R"({"active":1,"reading":1})"));
  EXPECT_EQ(count.headers.at("access-control-allow-origin"), "*");
  EXPECT_EQ(json::parse(http_get(stack.site_port(), "/onlooker/api/count?host=other").body)
                .at("active"), 0);

  ASSERT_TRUE(eventually([&] { return rows(stack) == 1; }, 2s));
  const auto metrics = http_get(stack.site_port(), "/onlooker/metrics").body;
  for (const char* line : {"onlooker_hits_ingested_total 1\n", "onlooker_ring_written_total 1\n",
                           "onlooker_ring_dropped_total 0\n", "onlooker_active_visitors 1\n",
                           "onlooker_websocket_clients 1\n", "# TYPE onlooker_ring_fill gauge\n",
                           "onlooker_sqlite_batch_seconds ", "onlooker_rollups_behind 0\n"}) {
    EXPECT_NE(metrics.find(line), std::string::npos) << line << " not in\n" << metrics;
  }

  // The per-second series fills in as seconds pass.
  ASSERT_TRUE(eventually([&] {
    const json series = live(stack).at("series");
    return series.at("active").size() >= 2 && series.at("active").back() == 1;
  }, 4s)) << live(stack).at("series").dump();
}

TEST(WalkingSkeleton, ModuleAndOnlookerdReportTheSameVersionAndRingLayout) {
  Stack stack({.start_onlookerd = false});
  const std::string expected = std::string(ONLOOKER_VERSION) + " (ring layout " +
                               std::to_string(ONLOOKER_RING_LAYOUT_VERSION) + ")";
  EXPECT_NE(stack.nginx_log().find("onlooker module " + expected), std::string::npos)
      << stack.nginx_log();
  const auto version = test::run_command({test::onlookerd_path(), "--version"});
  EXPECT_EQ(version.status, 0);
  EXPECT_EQ(version.output, "onlookerd " + expected + "\n");
}

TEST(WalkingSkeleton, RingAndDatabaseAreOwnerOnly) {
  Stack stack;
  view(stack, "/index.html");
  ASSERT_TRUE(eventually([&] { return rows(stack) == 1; }, 2s));
  struct stat ring {}, db {};
  ASSERT_EQ(::stat(stack.ring_path().c_str(), &ring), 0);
  ASSERT_EQ(::stat(stack.db_path().c_str(), &db), 0);
  EXPECT_EQ(ring.st_mode & 0777, 0600u);
  EXPECT_EQ(db.st_mode & 0777, 0600u);
}

}  // namespace
}  // namespace onlooker
