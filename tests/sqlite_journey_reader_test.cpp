// The SQLite history's journeys for a range (sqlite_journey_reader.h): read
// as month rows minus days where that is cheaper, summed in C++; the lists
// must equal the ones made from a plain GROUP BY over the range's day rows
// (which journey_rollups_test.cpp checks against the walks), for many
// ranges, one site or all, and after retention has cut into a month.
#include <gtest/gtest.h>

#include <random>
#include <sstream>
#include <string>

#include "journey_report.h"
#include "sqlite_db.h"
#include "sqlite_history.h"
#include "sqlite_history_reader.h"
#include "support/journey_walks.h"
#include "support/temp_dir.h"

namespace onlooker {
namespace {

using namespace test::journey_walks;

// The three journey lists of a report, as text (a difference shows in full).
std::string journey_lists(const HistoryReport& report) {
  std::ostringstream out;
  for (const auto& page : report.entry_pages) {
    out << "entry " << page.path << " " << page.visits << "\n";
  }
  for (const auto& page : report.exit_pages) {
    out << "exit " << page.path << " " << page.visits << "\n";
  }
  for (const auto& page : report.transitions) {
    out << "from " << page.from << ' ' << page.views << " left " << page.left << ':';
    for (const auto& next : page.next) out << ' ' << next.path << ' ' << next.views;
    out << '\n';
  }
  return out.str();
}

// The same lists from the day rows of the range's days, by GROUP BY.
std::string lists_from_day_rows(const std::string& db_path, const HistoryRequest& request) {
  sqlite::Database db(db_path, SQLITE_OPEN_READONLY);
  sqlite::Statement query(db,
                          "SELECT from_path, to_path, sum(views) FROM journey_rollups "
                          "WHERE span = 'day' AND start >= ?1 AND start < ?2 "
                          "AND (?3 = '' OR host = ?3) GROUP BY from_path, to_path");
  const JourneyRange range = journey_range(request);
  query.bind(1, range.from_day_ms);
  query.bind(2, range.to_day_ms);
  query.bind(3, request.host);
  std::vector<JourneySum> sums;
  while (query.step()) {
    sums.push_back({query.column_text(0), query.column_text(1), query.column_int(2)});
  }
  HistoryReport report;
  add_journeys(request, sums, report);
  return journey_lists(report);
}

void expect_ranges_match_their_day_rows(const std::string& db_path, std::int64_t first_ms,
                                        std::int64_t last_ms) {
  SqliteHistoryReader reader(db_path);
  std::mt19937 random(7);
  int with_journeys = 0;
  for (int n = 0; n < 60; ++n) {
    HistoryRequest request;
    const auto days = static_cast<std::uint32_t>((last_ms - first_ms) / day_ms);
    request.from_ms = first_ms + (random() % days) * day_ms + random() % day_ms;
    request.to_ms = request.from_ms + (1 + random() % days) * day_ms;
    request.host = n % 3 == 0 ? "" : n % 3 == 1 ? "a.example" : "b.example";
    if (n % 4 == 0) request.page = "/pricing.html";
    SCOPED_TRACE("from " + std::to_string(request.from_ms) + " to " +
                 std::to_string(request.to_ms) + " host '" + request.host + "'");
    const std::string lists = journey_lists(reader.report(request));
    with_journeys += !lists.empty();
    EXPECT_EQ(lists, lists_from_day_rows(db_path, request));
  }
  EXPECT_GT(with_journeys, 40);
}

TEST(SqliteJourneyReader, EveryRangeSumsToTheGroupByOverItsDayRows) {
  test::TempDir dir;
  {
    SqliteHistory history(dir.file("db"));
    store_random_walks(history);
  }
  // The walks span 2026-10-20 .. ~12-30: ranges end inside, at and past the data.
  expect_ranges_match_their_day_rows(dir.file("db"), first_day - 3 * day_ms,
                                     first_day + 45 * day_ms);
}

TEST(SqliteJourneyReader, AMonthRetentionCutIntoIsReadByItsDaysNotItsMonthRow) {
  test::TempDir dir;
  {
    SqliteHistory history(dir.file("db"));
    store_random_walks(history);
    // Cut at 2026-11-14: October's month rows and November's first days go.
    while (history.delete_before(first_day + 25 * day_ms, 1000) > 0) {
    }
  }
  {
    sqlite::Database db(dir.file("db"), SQLITE_OPEN_READONLY);
    ASSERT_GT(db.query_int("SELECT count(*) FROM journey_rollups WHERE span = 'month' AND "
                           "start = 1793491200000"), 0);  // November's month rows remain
  }
  // Ranges from mid-November: most of November's stored days lie inside,
  // but its month row still counts the days retention deleted.
  expect_ranges_match_their_day_rows(dir.file("db"), first_day + 26 * day_ms,
                                     first_day + 40 * day_ms);
}

}  // namespace
}  // namespace onlooker
