// Journeys in history (journey_rollups.h): random walks go through the real
// visit tracker and each backend's sink; every number the rollups, the SQL
// views, the SQL over hits and visits and the history report give must
// equal what the walks themselves say. SQLite in a temp file, PostgreSQL in
// a fresh database of a real server.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <tuple>

#include "history_reader.h"
#include "journey_rollups.h"
#include "journey_sql.h"
#include "pg_connection.h"
#include "pg_history.h"
#include "pg_history_reader.h"
#include "pg_sql.h"
#include "sqlite_db.h"
#include "sqlite_history.h"
#include "sqlite_history_reader.h"
#include "support/history_backends.h"
#include "support/journey_walks.h"
#include "support/postgres_server.h"
#include "support/temp_dir.h"

namespace onlooker {
namespace {

using namespace test::journey_walks;

using Row = std::vector<std::string>;

struct SqliteBackend {
  test::TempDir dir;
  std::unique_ptr<HistorySink> sink() { return std::make_unique<SqliteHistory>(dir.file("db")); }
  std::unique_ptr<HistoryReader> reader() {
    return std::make_unique<SqliteHistoryReader>(dir.file("db"));
  }
  std::vector<Row> rows(const std::string& sql) {
    sqlite::Database db(dir.file("db"), SQLITE_OPEN_READONLY);
    sqlite::Statement statement(db, sql);
    std::vector<Row> out;
    while (statement.step()) {
      Row row;
      for (int column = 0; column < statement.column_count(); ++column) {
        row.push_back(statement.column_text(column));
      }
      out.push_back(std::move(row));
    }
    return out;
  }
};

test::PostgresServer& postgres_server() {
  static test::PostgresServer server;
  return server;
}

struct PostgresBackend {
  std::string uri = postgres_server().create_database("journeys_" + std::to_string(next_id()));
  std::unique_ptr<HistorySink> sink() { return std::make_unique<PgHistory>(uri, "node-a"); }
  std::unique_ptr<HistoryReader> reader() { return std::make_unique<PgHistoryReader>(uri); }
  std::vector<Row> rows(const std::string& sql) {
    pg::Connection connection(uri);
    const auto result = connection.query(sql);
    std::vector<Row> out;
    for (int row = 0; row < PQntuples(result.get()); ++row) {
      Row cells;
      for (int column = 0; column < PQnfields(result.get()); ++column) {
        cells.emplace_back(PQgetvalue(result.get(), row, column));
      }
      out.push_back(std::move(cells));
    }
    return out;
  }
  static int next_id() {
    static int id = 0;
    return ++id;
  }
};

template <class Backend>
class JourneyRollups : public ::testing::Test {
 protected:
  Backend backend;
};

using Backends = ::testing::Types<SqliteBackend, PostgresBackend>;
TYPED_TEST_SUITE(JourneyRollups, Backends);

// (span, start, host, from, to) -> views, as journey_rollups holds them.
using Counts = std::map<std::tuple<std::string, std::int64_t, std::string, std::string,
                                   std::string>, std::int64_t>;

Counts expected_counts(const std::vector<Walk>& walks) {
  Counts counts;
  for (const Walk& walk : walks) {
    if (walk.bot) continue;
    const std::int64_t start = walk.views.front().ts_ms;
    for (const auto& [span, bucket] :
         {std::pair{std::string("day"), start / day_ms * day_ms},
          std::pair{std::string("month"), month_start(start)}}) {
      std::string from;
      for (const JourneyView& view : walk.views) {
        ++counts[{span, bucket, walk.host, from, view.path}];
        from = view.path;
      }
      ++counts[{span, bucket, walk.host, from, ""}];
    }
  }
  return counts;
}


Counts stored_counts(const std::vector<Row>& rows, const std::string& span) {
  Counts counts;
  for (const Row& row : rows) {
    const std::string row_span = span.empty() ? row[0] : span;
    const std::size_t at = span.empty() ? 1 : 0;
    counts[{row_span, std::stoll(row[at]), row[at + 1], row[at + 2], row[at + 3]}] +=
        std::stoll(row[at + 4]);
  }
  return counts;
}

Counts only_span(const Counts& all, const std::string& span) {
  Counts out;
  for (const auto& [key, views] : all) {
    if (std::get<0>(key) == span) out[key] = views;
  }
  return out;
}

TYPED_TEST(JourneyRollups, EqualTheRandomWalksInTheRollupsTheSqlOverHitsAndTheViews) {
  const std::vector<Walk> walks = store_random_walks(*this->backend.sink());
  const Counts expected = expected_counts(walks);
  ASSERT_GT(expected.size(), 500u);

  EXPECT_EQ(stored_counts(this->backend.rows("SELECT span, start, host, from_path, to_path, "
                                             "views FROM journey_rollups"),
                          ""),
            expected);
  EXPECT_EQ(stored_counts(this->backend.rows(std::string(journey_from_hits_sql)), "day"),
            only_span(expected, "day"));

  // The views, per day: every entry, exit and transition of the walks.
  std::map<std::tuple<std::string, std::string, std::string>, std::int64_t> entries, exits;
  std::map<std::tuple<std::string, std::string, std::string, std::string>, std::int64_t> steps;
  for (const auto& [key, views] : only_span(expected, "day")) {
    const auto& [span, start, host, from, to] = key;
    const std::string day = std::to_string(start);
    if (from.empty()) entries[{day, host, to}] += views;
    if (to.empty()) exits[{day, host, from}] += views;
    if (!from.empty()) steps[{day, host, from, to}] += views;
  }
  // Views name days as 'YYYY-MM-DD': map them back to unix ms.
  std::map<std::string, std::string> day_start;
  for (std::int64_t day = first_day; day < first_day + 80 * day_ms; day += day_ms) {
    const std::time_t seconds = day / 1000;
    char text[16];
    std::strftime(text, sizeof text, "%Y-%m-%d", std::gmtime(&seconds));
    day_start[text] = std::to_string(day);
  }
  std::map<std::tuple<std::string, std::string, std::string>, std::int64_t> viewed_entries,
      viewed_exits;
  for (const Row& row : this->backend.rows("SELECT day, host, path, visits FROM entry_pages")) {
    viewed_entries[{day_start.at(row[0]), row[1], row[2]}] += std::stoll(row[3]);
  }
  for (const Row& row : this->backend.rows("SELECT day, host, path, visits FROM exit_pages")) {
    viewed_exits[{day_start.at(row[0]), row[1], row[2]}] += std::stoll(row[3]);
  }
  std::map<std::tuple<std::string, std::string, std::string, std::string>, std::int64_t>
      viewed_steps;
  for (const Row& row : this->backend.rows(
           "SELECT day, host, from_path, coalesce(to_path, ''), views, "
           "CASE WHEN to_path IS NULL THEN 'left' ELSE 'on' END FROM transitions")) {
    EXPECT_EQ(row[5] == "left", row[3].empty()) << "left is a NULL to_path";
    viewed_steps[{day_start.at(row[0]), row[1], row[2], row[3]}] += std::stoll(row[4]);
  }
  EXPECT_EQ(viewed_entries, entries);
  EXPECT_EQ(viewed_exits, exits);
  EXPECT_EQ(viewed_steps, steps);
}

// The report over a range with a whole month inside (November) and days at
// both ends, for one site: each number equals the walks' own.
TYPED_TEST(JourneyRollups, TheHistoryReportCountsEntriesExitsAndNextPagesOfTheRange) {
  const std::vector<Walk> walks = store_random_walks(*this->backend.sink());
  HistoryRequest request;
  request.from_ms = first_day + 5 * day_ms;  // 2026-10-25
  request.to_ms = first_day + 61 * day_ms;   // 2026-12-20
  request.host = "a.example";
  std::map<std::string, std::int64_t> entries, exits, from_views, left;
  std::map<std::pair<std::string, std::string>, std::int64_t> next;
  for (const Walk& walk : walks) {
    const std::int64_t start = walk.views.front().ts_ms;
    if (walk.bot || walk.host != request.host || start < request.from_ms ||
        start >= request.to_ms) {
      continue;
    }
    ++entries[walk.views.front().path];
    ++exits[walk.views.back().path];
    for (std::size_t i = 0; i < walk.views.size(); ++i) {
      ++from_views[walk.views[i].path];
      if (i + 1 == walk.views.size()) {
        ++left[walk.views[i].path];
      } else {
        ++next[{walk.views[i].path, walk.views[i + 1].path}];
      }
    }
  }
  const HistoryReport report = this->backend.reader()->report(request);
  ASSERT_EQ(report.entry_pages.size(), entries.size());
  for (const auto& page : report.entry_pages) EXPECT_EQ(page.visits, entries[page.path]);
  ASSERT_EQ(report.exit_pages.size(), exits.size());
  for (const auto& page : report.exit_pages) EXPECT_EQ(page.visits, exits[page.path]);
  EXPECT_TRUE(std::is_sorted(report.entry_pages.begin(), report.entry_pages.end(),
                             [](auto& a, auto& b) { return a.visits > b.visits; }));
  ASSERT_EQ(report.transitions.size(), from_views.size());
  for (const auto& page : report.transitions) {
    EXPECT_EQ(page.views, from_views[page.from]) << page.from;
    EXPECT_EQ(page.left, left[page.from]) << page.from;
    std::int64_t shown = page.left;
    for (const auto& to : page.next) {
      EXPECT_EQ(to.views, (next[{page.from, to.path}])) << page.from << " -> " << to.path;
      shown += to.views;
    }
    EXPECT_LE(page.next.size(), HistoryReader::top_next_pages);
    if (page.next.size() < HistoryReader::top_next_pages) {
      EXPECT_EQ(shown, page.views);
    }
  }
  // ?page= narrows the transitions to that page.
  request.page = "/pricing.html";
  const HistoryReport one = this->backend.reader()->report(request);
  ASSERT_EQ(one.transitions.size(), 1u);
  EXPECT_EQ(one.transitions[0].from, "/pricing.html");
  EXPECT_EQ(one.transitions[0].views, from_views["/pricing.html"]);
  EXPECT_EQ(one.entry_pages.size(), report.entry_pages.size());
}

TEST(JourneyRollups, AreBuiltOnceFromTheVisitsAndHitsOfAnOlderSqliteDatabase) {
  SqliteBackend backend;
  const std::vector<Walk> walks = store_random_walks(*backend.sink());
  {
    // Back to the schema before journeys, as an older onlookerd left it.
    sqlite::Database db(backend.dir.file("db"));
    // (Schema 7 -> 8, campaigns, undone too: journeys are step 6 -> 7.)
    db.exec(std::string(test::drop_page_engagement_sql) + test::drop_campaign_columns_sql +
            "DROP VIEW entry_pages; DROP VIEW exit_pages; DROP VIEW transitions; "
            "DROP TABLE journey_rollups; PRAGMA user_version = 6");
  }
  backend.sink();  // opens and migrates it
  EXPECT_EQ(stored_counts(backend.rows("SELECT span, start, host, from_path, to_path, views "
                                       "FROM journey_rollups"),
                          ""),
            expected_counts(walks));
  EXPECT_TRUE(backend.rows("SELECT name FROM sqlite_master WHERE name = 'journey_build'").empty())
      << "the index made for the build is dropped after it";
}

TEST(JourneyRollups, AreBuiltOnceFromTheVisitsAndHitsOfAnOlderPostgresqlDatabase) {
  PostgresBackend backend;
  const std::vector<Walk> walks = store_random_walks(*backend.sink());
  {
    // Back to schema version 1, before journeys, as an older onlookerd left it.
    pg::Connection connection(backend.uri);
    connection.exec(std::string(test::drop_page_engagement_sql) +
                    "DROP VIEW entry_pages; DROP VIEW exit_pages; DROP VIEW transitions; "
                    "DROP TABLE journey_rollups; UPDATE schema_version SET version = 1");
  }
  backend.sink()->committed_position();  // connects, and so migrates
  EXPECT_EQ(stored_counts(backend.rows("SELECT span, start, host, from_path, to_path, views "
                                       "FROM journey_rollups"),
                          ""),
            expected_counts(walks));
  EXPECT_EQ(backend.rows("SELECT max(version) FROM schema_version"), (std::vector<Row>{{std::to_string(pg_sql::schema_version)}}));
  // Opened again, nothing is built twice.
  backend.sink()->committed_position();
  EXPECT_EQ(stored_counts(backend.rows("SELECT span, start, host, from_path, to_path, views "
                                       "FROM journey_rollups"),
                          ""),
            expected_counts(walks));
}

TEST(JourneyRollups, AVisitKeepsItsFirstHundredViewsInTimeOrder) {
  VisitTracker tracker(window_ms);
  std::vector<Visit> closed;
  Walk walk{"a.example", false, {}};
  for (int view = 1; view <= 120; ++view) {
    tracker.apply(make_hit(1, walk, first_day + view * 1000, "/p" + std::to_string(view),
                           HitKind::view),
                  closed);
  }
  // Logged late, earlier than all: it is the entry, and pushes out view 100.
  tracker.apply(make_hit(1, walk, first_day, "/late", HitKind::view), closed);
  tracker.close_all(closed);
  ASSERT_EQ(closed.size(), 1u);
  const auto& journey = closed[0].journey;
  ASSERT_EQ(journey.size(), journey_views_kept);
  EXPECT_EQ(journey.front().path, "/late");
  EXPECT_EQ(journey.back().path, "/p99");
  EXPECT_EQ(closed[0].pages, 121);
  EXPECT_TRUE(std::is_sorted(journey.begin(), journey.end()));
}

}  // namespace
}  // namespace onlooker
