// Every ```sql block of docs/SQL.md runs unchanged against a generated
// history on each backend (SQLite in a temp file, PostgreSQL in a fresh
// database of a real server) and returns rows: the documentation cannot
// drift from either schema.
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <thread>

#include "journey_sql.h"
#include "page_engagement_sql.h"
#include "pg_connection.h"
#include "pg_history.h"
#include "sqlite_db.h"
#include "sqlite_history.h"
#include "support/postgres_server.h"
#include "support/process.h"
#include "support/stack.h"
#include "support/temp_dir.h"

namespace onlooker {
namespace {

std::vector<std::string> cookbook_queries() {
  const std::string doc = test::read_file(test::source_dir() + "/docs/SQL.md");
  std::vector<std::string> queries;
  const std::string open = "```sql\n";
  for (auto start = doc.find(open); start != std::string::npos; start = doc.find(open, start)) {
    start += open.size();
    const auto end = doc.find("```", start);
    if (end == std::string::npos) break;
    queries.push_back(doc.substr(start, end - start));
    start = end + 3;
  }
  return queries;
}

// A week of plausible traffic written through the same sink onlookerd uses.
void generate(HistorySink& history) {
  std::mt19937 random(7);
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  const char* pages[] = {"/", "/pricing.html", "/blog/a.html", "/about.html"};
  const char* countries[] = {"GB", "DE", "US", "JP"};
  const char* devices[] = {"desktop", "mobile", "tablet", "bot"};
  std::vector<Hit> hits;
  std::vector<Visit> visits;
  for (int i = 0; i < 5000; ++i) {
    Hit hit;
    hit.ts_ms = now - static_cast<std::int64_t>(random() % (7 * 86'400'000ULL));
    hit.visitor.fill(static_cast<std::uint8_t>(random() % 200));
    // Every tenth a leave (the visit made up below ends with it), others beats.
    hit.kind = i % 10 == 0 ? HitKind::leave : i % 5 == 0 ? HitKind::beat : HitKind::view;
    if (hit.kind == HitKind::leave) hit.visible_ms = 7'000;
    hit.host = "example.com";
    hit.path = pages[random() % 4];
    hit.referrer = i % 3 == 0 ? "www.google.com/" : "example.com/";
    hit.status = 200;
    hit.country_code = countries[random() % 4];
    hit.device = devices[random() % 4];
    hit.browser = "Chrome";
    hit.os = "Windows";
    hit.request_ms = static_cast<std::uint32_t>(random() % 50);
    // A landing now and then: from search, or from a campaign's link.
    const bool view = hit.kind == HitKind::view;  // beats carry none
    if (view && i % 3 == 0) {
      hit.source_group = "search";
      hit.source_name = "Google";
      hit.referrer_host = "www.google.com";
    } else if (view && i % 7 == 0) {
      hit.campaign = {.source = "news", .medium = "email", .name = i % 2 ? "launch" : "winter"};
      hit.source_group = "campaign";
      hit.source_name = "news";
    }
    hits.push_back(hit);
    if (i % 10 == 0) {
      visits.push_back({to_hex(hit.visitor), hit.host, hit.ts_ms, hit.ts_ms + 60'000, 3, "/",
                        hit.path, hit.country_code, hit.device, 0, false,
                        {{hit.ts_ms, "/"}, {hit.ts_ms + 1, "/pricing.html"},
                         {hit.ts_ms + 2, hit.path}}});
      // (Its hit is a leave: the visit's landing is made up here.)
      Visit& visit = visits.back();
      visit.page_engaged = {{hit.path, 7'000, 1}};
      if (i % 20 == 0) {
        visit.campaign = {.source = "news", .medium = "email", .name = "launch"};
        visit.source_group = "campaign";
        visit.source_name = "news";
      } else {
        visit.source_group = "search";
        visit.source_name = "Google";
        visit.referrer_host = "www.google.com";
      }
    }
  }
  history.commit({hits, visits, {1, hits.size()}});
  // The rollups behind the daily_* views count what was put off, as the
  // idle drain loop lets them.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (history.catch_up_backlog() > 0 && std::chrono::steady_clock::now() < give_up) {
    history.catch_up();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(history.catch_up_backlog(), 0u);
}

// Each backend: a sink to fill the store, and the rows a query returns.
struct SqliteBackend {
  test::TempDir dir;
  std::unique_ptr<HistorySink> sink() { return std::make_unique<SqliteHistory>(dir.file("db")); }
  std::int64_t rows(const std::string& sql) {
    sqlite::Database db(dir.file("db"), SQLITE_OPEN_READONLY);
    sqlite::Statement statement(db, sql);
    std::int64_t count = 0;
    while (statement.step()) ++count;
    return count;
  }
};

// Started on first use, stopped when the test binary exits.
test::PostgresServer& postgres_server() {
  static test::PostgresServer server;
  return server;
}

struct PostgresBackend {
  std::string uri = postgres_server().create_database("cookbook");
  std::unique_ptr<HistorySink> sink() { return std::make_unique<PgHistory>(uri, "node-a"); }
  std::int64_t rows(const std::string& sql) {
    pg::Connection connection(uri);
    return PQntuples(connection.query(sql).get());
  }
};

template <class Backend>
class SqlCookbook : public ::testing::Test {
 protected:
  Backend backend;
};

using Backends = ::testing::Types<SqliteBackend, PostgresBackend>;
TYPED_TEST_SUITE(SqlCookbook, Backends);

// The cookbook shows the very SQL that defines the journey rollups.
TEST(SqlCookbookText, ShowsTheJourneySqlOnlookerdKeeps) {
  const std::string doc = test::read_file(test::source_dir() + "/docs/SQL.md");
  std::string_view sql = journey_from_hits_sql;
  sql.remove_prefix(1);  // the raw string's first newline
  EXPECT_NE(doc.find("```sql\n" + std::string(sql) + "```"), std::string::npos);
}

// ... and the SQL that defines the per-page engagement rollups.
TEST(SqlCookbookText, ShowsThePageEngagementSqlOnlookerdKeeps) {
  const std::string doc = test::read_file(test::source_dir() + "/docs/SQL.md");
  std::string_view sql = page_engagement_from_hits_sql;
  sql.remove_prefix(1);  // the raw string's first newline
  EXPECT_NE(doc.find("```sql\n" + std::string(sql) + "```"), std::string::npos);
}

TYPED_TEST(SqlCookbook, EveryDocumentedQueryRunsUnchangedAndReturnsRows) {
  const auto queries = cookbook_queries();
  ASSERT_GE(queries.size(), 8u) << "docs/SQL.md lost its queries?";
  generate(*this->backend.sink());
  for (const auto& sql : queries) {
    std::int64_t rows = 0;
    try {
      rows = this->backend.rows(sql);
    } catch (const std::exception& error) {
      ADD_FAILURE() << error.what() << "\nin:\n" << sql;
      continue;
    }
    EXPECT_GT(rows, 0) << "no rows from:\n" << sql;
  }
}

}  // namespace
}  // namespace onlooker
