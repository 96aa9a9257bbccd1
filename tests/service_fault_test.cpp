// Faults around onlookerd with real nginx: a long outage, a reader holding
// the database, clients that stall or churn, malformed requests. Loopback
// only, bounded in count and time.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "sqlite_db.h"
#include "sqlite_history.h"
#include "support/http_client.h"
#include "support/stack.h"

namespace onlooker {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::eventually;
using test::http_get;
using test::Stack;

std::int64_t rows(const Stack& stack) {
  sqlite::Database db(stack.db_path(), SQLITE_OPEN_READONLY);
  db.exec("PRAGMA busy_timeout = 2000");
  return db.query_int("SELECT count(*) FROM hits");
}

std::int64_t metric(const Stack& stack, const std::string& name) {
  const auto text = http_get(stack.site_port(), "/onlooker/metrics").body;
  const auto at = text.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stoll(text.substr(at + name.size() + 2));
}

// Under AddressSanitizer freed memory sits in a quarantine (and every block
// has redzones), so RSS bounds are looser there; the tests still run, for
// what ASan itself checks.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr long memory_slack = 6;
#else
constexpr long memory_slack = 1;
#endif

long rss_kb(pid_t pid) {
  const std::string status = test::read_file("/proc/" + std::to_string(pid) + "/status");
  const auto at = status.find("VmRSS:");
  return at == std::string::npos ? -1 : std::stol(status.substr(at + 6));
}

int open_fds(pid_t pid) {
  int count = 0;
  for ([[maybe_unused]] const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    ++count;
  }
  return count;
}

int connect_raw(unsigned short port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string send_raw(unsigned short port, const std::string& bytes) {
  const int fd = connect_raw(port);
  if (fd < 0) return "";
  (void)::write(fd, bytes.data(), bytes.size());
  ::shutdown(fd, SHUT_WR);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string answer;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) answer.append(buffer, n);
  ::close(fd);
  return answer;
}

TEST(ServiceFault, OutageLongerThanTheRingDropsCountsAndNginxKeepsServing) {
  Stack stack({.ring_size = "64k"});  // 64 slots
  ASSERT_EQ(stack.stop_onlookerd(SIGTERM), 0);
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(http_get(stack.site_port(), "/index.html", {{"X-Forwarded-For", "10.9.0.1"}}).status,
              200);
  }
  stack.start_onlookerd();
  ASSERT_TRUE(eventually([&] { return rows(stack) == 64; }, 3s))
      << rows(stack) << " written " << metric(stack, "onlooker_ring_written_total") << " dropped "
      << metric(stack, "onlooker_ring_dropped_total") << " fill " << metric(stack, "onlooker_ring_fill");
  EXPECT_EQ(metric(stack, "onlooker_ring_dropped_total"), 200 - 64);
  EXPECT_EQ(metric(stack, "onlooker_ring_written_total"), 64);
  const json live = json::parse(http_get(stack.site_port(), "/onlooker/api/live").body);
  EXPECT_EQ(live.at("ring").at("dropped"), 200 - 64);  // what the dashboard shows
}

// After a restart, onlookerd must read back who was already counted today
// before it can count today's unique visitors again: half a million views
// take a good part of a second. The first commits must not wait for that
// (nothing is freed from the ring meanwhile): a 64-slot ring under a steady
// 1,000 views a second loses nothing, and the rollups catch up, exactly.
TEST(ServiceFault, ARestartWithADayOfViewsStoredLosesNothingFromASmallRing) {
  Stack stack({.start_onlookerd = false, .ring_size = "64k"});
  constexpr std::int64_t stored = 500'000;
  {
    SqliteHistory schema(stack.db_path());  // creates the tables, then let go
  }
  {
    // Today's views as an earlier run counted them: hits, their rollups, and
    // the cursor saying they are counted (the same GROUP BY as schema 3's
    // one-off build).
    sqlite::Database db(stack.db_path());
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    sqlite::Transaction transaction(db);
    db.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
            std::to_string(stored) + ") INSERT INTO hits (ts, visitor, kind, host, path, status) "
            "SELECT " + std::to_string(now_ms) + " - i % 1000, printf('%032x', i % 20000), "
            "'view', '127.0.0.1', '/p' || (i % 50), 200 FROM n");
    for (const auto& [span, width] : {std::pair{"hour", 3'600'000}, std::pair{"day", 86'400'000}}) {
      for (const auto& [dimension, value] : {std::pair{"all", "''"}, std::pair{"path", "path"},
                                             std::pair{"country", "coalesce(country, '')"}}) {
        db.exec(std::string("INSERT INTO rollups SELECT '") + span + "', ts / " +
                std::to_string(width) + " * " + std::to_string(width) + " AS start, '" +
                dimension + "', host, " + value + " AS value, count(*), count(DISTINCT visitor) "
                "FROM hits GROUP BY start, host, value");
      }
    }
    db.exec("UPDATE rollup_cursor SET hit = (SELECT max(rowid) FROM hits)");
    transaction.commit();
  }
  stack.start_onlookerd();
  constexpr int sent = 400;
  for (int i = 0; i < sent; ++i) {
    ASSERT_EQ(http_get(stack.site_port(), "/index.html",
                       {{"X-Forwarded-For", "10.8." + std::to_string(i / 200) + "." +
                                                std::to_string(i % 200)}})
                  .status,
              200);
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_TRUE(eventually([&] { return rows(stack) == stored + sent; }, 10s))
      << rows(stack) << " dropped " << metric(stack, "onlooker_ring_dropped_total");
  EXPECT_EQ(metric(stack, "onlooker_ring_dropped_total"), 0);
  ASSERT_TRUE(eventually([&] {
    return stack.onlookerd_log().find("the rollups have caught up") != std::string::npos;
  }, 30s)) << stack.onlookerd_log();
  EXPECT_TRUE(eventually([&] { return metric(stack, "onlooker_rollups_behind") == 0; }, 2s));
  sqlite::Database db(stack.db_path(), SQLITE_OPEN_READONLY);
  db.exec("PRAGMA busy_timeout = 2000");
  for (const char* span : {"hour", "day"}) {
    const std::string width = span == std::string("hour") ? "3600000" : "86400000";
    EXPECT_EQ(db.query_int(std::string("SELECT sum(visitors) FROM rollups WHERE span = '") + span +
                           "' AND dimension = 'all'"),
              db.query_int("SELECT sum(v) FROM (SELECT count(DISTINCT visitor) AS v FROM hits "
                           "WHERE kind = 'view' GROUP BY ts / " + width + ", host)"))
        << span;
  }
}

TEST(ServiceFault, ALongReaderDoesNotBlockIngest) {
  Stack stack;
  sqlite::Database reader(stack.db_path(), SQLITE_OPEN_READONLY);
  reader.exec("BEGIN");
  EXPECT_EQ(reader.query_int("SELECT count(*) FROM hits"), 0);  // holds a read snapshot
  for (int i = 0; i < 20; ++i) http_get(stack.site_port(), "/index.html");
  EXPECT_TRUE(eventually([&] { return rows(stack) == 20; }, 3s));
  EXPECT_EQ(reader.query_int("SELECT count(*) FROM hits"), 0);  // its snapshot is unchanged
  reader.exec("COMMIT");
}

TEST(ServiceFault, ADeletedDatabaseIsCreatedAgainAndIngestGoesOn) {
  Stack stack;
  http_get(stack.site_port(), "/index.html");
  ASSERT_TRUE(eventually([&] { return rows(stack) == 1; }, 3s));
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((stack.db_path() + suffix).c_str());
  http_get(stack.site_port(), "/about.html");
  EXPECT_TRUE(eventually([&] {
    try {
      return std::filesystem::exists(stack.db_path()) && rows(stack) == 1;
    } catch (const std::exception&) {
      return false;  // caught between creation and schema
    }
  }, 5s)) << stack.onlookerd_log();
  EXPECT_NE(stack.onlookerd_log().find("deleted or replaced"), std::string::npos);
  EXPECT_EQ(json::parse(http_get(stack.site_port(), "/onlooker/api/live").body).at("active"), 1);
}

TEST(ServiceFault, ACorruptDatabaseIsMovedAsideAndIngestGoesOn) {
  Stack stack;
  http_get(stack.site_port(), "/index.html");
  ASSERT_TRUE(eventually([&] { return rows(stack) == 1; }, 3s));
  // Another file, not a database, takes its place.
  stack.dir().write("garbage", std::string(8192, '\x5a'));
  for (const char* suffix : {"-wal", "-shm"}) std::remove((stack.db_path() + suffix).c_str());
  std::filesystem::rename(stack.dir().file("garbage"), stack.db_path());
  http_get(stack.site_port(), "/about.html");
  EXPECT_TRUE(eventually([&] {
    try {
      return rows(stack) == 1;
    } catch (const std::exception&) {
      return false;  // still the garbage file
    }
  }, 8s)) << stack.onlookerd_log();
  const std::string log = stack.onlookerd_log();
  EXPECT_NE(log.find("is corrupt; moving it aside"), std::string::npos) << log;
  bool moved_aside = false;
  for (const auto& entry : std::filesystem::directory_iterator(stack.dir().path())) {
    moved_aside |= entry.path().filename().string().starts_with("onlooker.db.corrupt-");
  }
  EXPECT_TRUE(moved_aside);
}

// A filesystem that fills up under the database, then gets room again.
class SmallFilesystem {
 public:
  explicit SmallFilesystem(const std::string& size) {
    mount("size=" + size);
  }
  ~SmallFilesystem() { test::run_command({"/usr/bin/umount", "-l", dir_.path().string()}); }
  void grow(const std::string& size) { mount("remount,size=" + size); }
  std::string path() const { return dir_.path().string(); }

 private:
  void mount(const std::string& options) {
    const auto result = test::run_command(
        {"/usr/bin/mount", "-t", "tmpfs", "-o", options, "tmpfs", dir_.path().string()});
    if (result.status != 0) {
      throw std::runtime_error("cannot mount a tmpfs (these tests run as root): " + result.output);
    }
  }
  test::TempDir dir_;
};

TEST(ServiceFault, ADiskFullKeepsTheLiveViewGoingAndLosesNothing) {
  SmallFilesystem disk("224k");  // the empty schema fits, 600 such hits do not
  Stack stack({.db_dir = disk.path()});
  const std::string agent = "Mozilla/5.0 " + std::string(240, 'u');
  const int views = 600;
  for (int i = 0; i < views; ++i) {
    http_get(stack.site_port(), "/index.html",
             {{"User-Agent", agent},
              {"Referer", "https://" + std::string(200, 'r') + ".example/"},
              {"X-Forwarded-For", "10.3." + std::to_string(i / 250) + "." + std::to_string(i % 250)}});
  }
  // The disk fills up; onlookerd says so, and the live view still counts everyone.
  ASSERT_TRUE(eventually([&] {
    return stack.onlookerd_log().find("history commit failed") != std::string::npos;
  }, 5s)) << stack.onlookerd_log();
  EXPECT_TRUE(eventually([&] {
    return json::parse(http_get(stack.site_port(), "/onlooker/api/live").body).at("active") == views;
  }, 5s));
  EXPECT_GT(metric(stack, "onlooker_sqlite_commit_failures_total"), 0);
  EXPECT_GT(metric(stack, "onlooker_ring_fill"), 0);  // kept in the ring meanwhile

  disk.grow("16m");
  EXPECT_TRUE(eventually([&] {
    try {
      return rows(stack) == views;
    } catch (const std::exception&) {
      return false;
    }
  }, 15s)) << rows(stack) << "\n" << stack.onlookerd_log();
  EXPECT_EQ(metric(stack, "onlooker_ring_fill"), 0);
}

TEST(ServiceFault, AClientThatNeverReadsCostsBoundedMemoryAndOthersKeepGoing) {
  Stack stack({.onlookerd_args = {"--push-interval", "10"}});
  // A WebSocket client that completes the handshake and then never reads.
  const int stalled = connect_raw(stack.api_port());
  ASSERT_GE(stalled, 0);
  int small = 4096;
  ::setsockopt(stalled, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  const std::string upgrade =
      "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  ASSERT_EQ(::write(stalled, upgrade.data(), upgrade.size()), static_cast<ssize_t>(upgrade.size()));

  test::WebSocketClient healthy(stack.site_port(), "/onlooker/ws");
  ASSERT_TRUE(healthy.read(5s).has_value());
  const long rss_before = rss_kb(stack.onlookerd_pid());

  // Many distinct visitors on many pages: big snapshots, pushed every 10 ms.
  const auto deadline = std::chrono::steady_clock::now() + 3s;
  int sent = 0;
  while (std::chrono::steady_clock::now() < deadline && sent < 3000) {
    http_get(stack.site_port(), "/index.html?" + std::to_string(sent),
             {{"X-Forwarded-For", "10.8." + std::to_string(sent / 250) + "." +
                                      std::to_string(sent % 250)}});
    ++sent;
  }
  json last;
  ASSERT_TRUE(eventually([&] {
    last = json::parse(healthy.read(3s).value());
    return last.at("active") == sent;
  }, 10s)) << "healthy client fell behind: " << last.at("active") << " of " << sent;
  const long rss_after = rss_kb(stack.onlookerd_pid());
  EXPECT_LT(rss_after - rss_before, memory_slack * 64 * 1024) << "RSS grew from " << rss_before << " to "
                                              << rss_after << " kB";
  ::close(stalled);
}

TEST(ServiceFault, TenThousandConnectionsOpenedAndDroppedLeaveNothingBehind) {
  Stack stack;
  const pid_t pid = stack.onlookerd_pid();
  const int fds_before = open_fds(pid);
  const long rss_before = rss_kb(pid);
  for (int i = 0; i < 10'000; ++i) {
    const int fd = connect_raw(stack.api_port());
    ASSERT_GE(fd, 0) << "connection " << i;
    if (i % 2) (void)::write(fd, "GET /healthz HTTP/1.1\r\n", 23);  // half a request
    ::close(fd);
  }
  EXPECT_EQ(http_get(stack.api_port(), "/healthz").status, 200);
  EXPECT_TRUE(eventually([&] { return open_fds(pid) <= fds_before + 2; }, 5s))
      << open_fds(pid) << " descriptors, " << fds_before << " before";
  EXPECT_LT(rss_kb(pid) - rss_before, memory_slack * 32 * 1024);
}

TEST(ServiceFault, MalformedAndOversizedRequestsAreRefusedAndNothingCrashes) {
  Stack stack;
  const auto port = stack.api_port();
  EXPECT_EQ(send_raw(port, "NONSENSE\r\n\r\n").rfind("HTTP/1.1 400", 0), 0u);
  EXPECT_EQ(send_raw(port, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(16 * 1024, 'a') +
                               "\r\n\r\n")
                .rfind("HTTP/1.1 400", 0),
            0u);
  EXPECT_EQ(send_raw(port, "POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" +
                               std::string(100000, 'x'))
                .rfind("HTTP/1.1 400", 0),
            0u);
  // A WebSocket that sends a garbage frame and an oversized message.
  std::string upgrade =
      "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  upgrade += std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 10);
  EXPECT_NE(send_raw(port, upgrade).find("101 Switching Protocols"), std::string::npos);
  std::string big_frame = upgrade.substr(0, upgrade.size() - 10);
  big_frame += "\x81\xfe\xff\xff";  // masked text frame, 65535 bytes announced
  big_frame += std::string(4, '\x01') + std::string(65535, 'x');
  (void)send_raw(port, big_frame);
  EXPECT_EQ(http_get(port, "/healthz").status, 200);
  const std::string log = stack.onlookerd_log();
  EXPECT_EQ(log.find("level=error"), std::string::npos) << log;
}

// Browsers offer permessage-deflate. Each connection keeps its own
// compressor, so the dashboard's is kept small (window 2^10) and the public
// count socket, whose messages are a few bytes, does not compress.
TEST(WebSocketCompression, DashboardCompressesWithASmallWindowCountDoesNot) {
  Stack stack;
  auto upgrade = [&](const std::string& target) {
    return send_raw(stack.api_port(),
                    "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; "
                    "client_max_window_bits\r\n\r\n");
  };
  const std::string dashboard = upgrade("/ws");
  ASSERT_NE(dashboard.find("101 Switching Protocols"), std::string::npos) << dashboard;
  EXPECT_NE(dashboard.find("permessage-deflate"), std::string::npos) << dashboard;
  EXPECT_NE(dashboard.find("server_max_window_bits=10"), std::string::npos) << dashboard;
  const std::string count = upgrade("/ws?count");
  ASSERT_NE(count.find("101 Switching Protocols"), std::string::npos) << count;
  EXPECT_EQ(count.find("permessage-deflate"), std::string::npos) << count;
}

}  // namespace
}  // namespace onlooker
