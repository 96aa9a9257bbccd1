// The rollups must always equal what a GROUP BY over the hits would say:
// across batches, restarts (after which they may lag behind and catch up),
// late hits, failed transactions, retention and the one-off build from an
// older database.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "sqlite_history.h"
#include "support/history_backends.h"
#include "support/temp_dir.h"

namespace onlooker {
namespace {

using test::TempDir;

constexpr std::int64_t hour = 3'600'000;
constexpr std::int64_t day = 24 * hour;
constexpr std::int64_t midnight = 1'794'960'000'000;  // a UTC midnight

Hit view(std::int64_t ts, std::uint8_t who, std::string path, std::string country = "GB",
         std::string device = "desktop", std::string host = "a.example") {
  Hit hit;
  hit.ts_ms = ts;
  hit.visitor.fill(who);
  hit.kind = HitKind::view;
  hit.path = std::move(path);
  hit.country_code = std::move(country);
  hit.device = std::move(device);
  hit.host = std::move(host);
  return hit;
}

// Counts every stored hit into the rollups, as the idle drain loop does
// once the sets it needs have loaded in the background.
void catch_up(SqliteHistory& history) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (history.rollups_behind() > 0 && std::chrono::steady_clock::now() < give_up) {
    history.catch_up();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(history.rollups_behind(), 0);
}

// Every rollup row as text, ordered, next to the same figures computed from
// the hits table.
struct Tables {
  std::vector<std::string> rollups;
  std::vector<std::string> from_hits;
};

// Each row of `sql`'s first `columns` columns as "a|b|...|".
std::vector<std::string> rows(sqlite::Database& db, const std::string& sql, int columns) {
  std::vector<std::string> out;
  sqlite::Statement statement(db, sql);
  while (statement.step()) {
    std::string row;
    for (int column = 0; column < columns; ++column) row += statement.column_text(column) + "|";
    out.push_back(row);
  }
  return out;
}

Tables compare(const std::string& path) {
  sqlite::Database db(path, SQLITE_OPEN_READONLY);
  Tables tables;
  tables.rollups = rows(db,
                        "SELECT span, start, dimension, host, value, views, visitors FROM rollups "
                        "ORDER BY span, dimension, start, host, value",
                        7);
  std::string union_all;
  for (const auto& [span, width] : {std::pair{"day", day}, std::pair{"hour", hour}}) {
    // Sources and campaigns: only the views that have one.
    for (const auto& [dimension, value, only] :
         {std::tuple{"all", "''", "1"}, std::tuple{"path", "path", "1"},
          std::tuple{"country", "coalesce(country, '')", "1"},
          std::tuple{"source", "source", "source IS NOT NULL"},
          std::tuple{"campaign", "utm_campaign", "utm_campaign IS NOT NULL"}}) {
      if (!union_all.empty()) union_all += " UNION ALL ";
      union_all += std::string("SELECT '") + span + "' AS s, ts / " + std::to_string(width) +
                   " * " + std::to_string(width) + " AS b, '" + dimension + "' AS d, host AS h, " +
                   value + " AS v, count(*), count(DISTINCT visitor) FROM hits WHERE kind = 'view' "
                   "AND coalesce(device, '') <> 'bot' AND " + only + " GROUP BY b, h, v";
    }
  }
  tables.from_hits = rows(db, union_all + " ORDER BY s, d, b, h, v", 7);
  return tables;
}

TEST(HistoryRollups, CountViewsAndUniqueVisitorsPerHourAndDayLeavingBotsOut) {
  TempDir dir;
  SqliteHistory history(dir.file("db"));
  const std::vector<Hit> hits{
      view(midnight + 10, 1, "/"),
      view(midnight + 20, 1, "/"),         // same visitor, same hour: 2 views, 1 visitor
      view(midnight + hour + 5, 1, "/b"),  // next hour: unique again in that hour
      view(midnight + 30, 2, "/", "DE"),
      view(midnight + 40, 3, "/", "US", "bot"),  // bots are not visitors
  };
  Hit beat = view(midnight + 50, 4, "/");
  beat.kind = HitKind::beat;  // heartbeats are not views
  std::vector<Hit> batch = hits;
  batch.push_back(beat);
  history.commit({batch, {}, {1, batch.size()}});

  sqlite::Database db(dir.file("db"), SQLITE_OPEN_READONLY);
  EXPECT_EQ(db.query_int("SELECT views FROM daily_views"), 4);
  EXPECT_EQ(db.query_int("SELECT visitors FROM daily_views"), 2);
  EXPECT_EQ(db.query_int("SELECT sum(visitors) FROM hourly_views"), 3);
  EXPECT_EQ(db.query_int("SELECT visitors FROM daily_pages WHERE path = '/'"), 2);
  EXPECT_EQ(db.query_int("SELECT views FROM daily_countries WHERE country = 'GB'"), 3);
  const auto tables = compare(dir.file("db"));
  EXPECT_EQ(tables.rollups, tables.from_hits);
}

TEST(HistoryRollups, EqualAGroupByOverTheHitsAcrossBatchesRestartsAndLateHits) {
  TempDir dir;
  std::mt19937 random(7);
  const char* paths[] = {"/", "/a", "/b", "/c/d"};
  const char* countries[] = {"GB", "DE", "", "JP"};
  const char* devices[] = {"desktop", "mobile", "bot"};
  const char* hosts[] = {"a.example", "b.example"};
  const char* sources[] = {"", "search", "campaign", "social"};  // "": internal navigation
  const char* campaigns[] = {"", "launch", "winter"};
  std::uint64_t seq = 0;
  auto batch_at = [&](std::int64_t around) {
    std::vector<Hit> hits;
    for (int n = 0; n < 200; ++n) {
      Hit hit = view(around + static_cast<std::int64_t>(random() % (3 * hour)),
                     static_cast<std::uint8_t>(random() % 30), paths[random() % 4],
                     countries[random() % 4], devices[random() % 3], hosts[random() % 2]);
      if (random() % 5 == 0) hit.kind = HitKind::beat;
      hit.source_group = sources[random() % 4];
      hit.campaign.name = campaigns[random() % 3];
      hits.push_back(hit);
    }
    return hits;
  };
  for (int restart = 0; restart < 3; ++restart) {
    SqliteHistory history(dir.file("db"));
    for (int batch = 0; batch < 6; ++batch) {
      // Mostly moving forward through two days, sometimes a late batch from
      // a day whose visitors are no longer held in memory.
      const std::int64_t around = batch == 4 ? midnight - 3 * day
                                             : midnight + (restart * 6 + batch) * 2 * hour;
      const auto hits = batch_at(around);
      seq += hits.size();
      history.commit({hits, {}, {1, seq}});
    }
    // Restarted without catching up first, as after a crash: the next run
    // counts what this one put off.
  }
  SqliteHistory history(dir.file("db"));
  catch_up(history);
  const auto tables = compare(dir.file("db"));
  ASSERT_GT(tables.rollups.size(), 50u);
  EXPECT_EQ(tables.rollups, tables.from_hits);
}

TEST(HistoryRollups, AFailedCommitCountsNobody) {
  TempDir dir;
  SqliteHistory history(dir.file("db"));
  const std::vector<Hit> first{view(midnight + 10, 1, "/")};
  history.commit({first, {}, {1, 1}});
  // A batch that fails inside its transaction: a hit whose host is not
  // valid for the NOT NULL check cannot be made here, so make the database
  // refuse the write with a trigger instead.
  {
    sqlite::Database db(dir.file("db"));
    db.exec("CREATE TRIGGER refuse BEFORE INSERT ON hits WHEN NEW.path = '/fail' "
            "BEGIN SELECT RAISE(ABORT, 'refused by test'); END");
  }
  const std::vector<Hit> failing{view(midnight + 20, 2, "/"), view(midnight + 30, 3, "/fail")};
  EXPECT_THROW(history.commit({failing, {}, {1, 3}}), sqlite::SqliteError);
  {
    sqlite::Database db(dir.file("db"));
    db.exec("DROP TRIGGER refuse");
  }
  history.commit({failing, {}, {1, 3}});  // the retry counts visitor 2 once
  const auto tables = compare(dir.file("db"));
  EXPECT_EQ(tables.rollups, tables.from_hits);
  sqlite::Database db(dir.file("db"), SQLITE_OPEN_READONLY);
  EXPECT_EQ(db.query_int("SELECT visitors FROM daily_views"), 3);
}

TEST(HistoryRollups, AreBuiltOnceFromTheHitsOfAnOlderDatabase) {
  TempDir dir;
  std::vector<Hit> hits;
  for (int n = 0; n < 300; ++n) {
    hits.push_back(view(midnight + n * 10 * 60'000, static_cast<std::uint8_t>(n % 17),
                        n % 3 ? "/x" : "/y", n % 2 ? "GB" : "", n % 7 ? "mobile" : "bot"));
  }
  {
    SqliteHistory history(dir.file("db"));
    history.commit({hits, {}, {1, hits.size()}});
    Visit visit{"ab", "a.example", midnight, midnight + 60'000, 3, "/", "/x", "GB", "mobile"};
    const std::vector<Visit> visits{visit, visit};
    history.commit({{}, visits, {1, hits.size()}});
  }
  {
    // Back to schema 2 as an older onlookerd left it: hits, no rollups.
    sqlite::Database db(dir.file("db"));
    db.exec(std::string(test::drop_page_engagement_sql) + test::drop_campaign_columns_sql +
            "ALTER TABLE hits DROP COLUMN visible_ms; ALTER TABLE visits DROP COLUMN engaged_ms; "
            "ALTER TABLE visits DROP COLUMN engaged_estimated; ALTER TABLE visits DROP COLUMN bounce; "
            "DROP TABLE rollups; DROP TABLE visit_rollups; DROP TABLE rollup_cursor; "
            "DROP VIEW hourly_views; DROP VIEW daily_pages; DROP TABLE alerts; DROP VIEW entry_pages; "
            "DROP VIEW exit_pages; DROP VIEW transitions; DROP TABLE journey_rollups; "
            "PRAGMA user_version = 2");
  }
  SqliteHistory history(dir.file("db"));
  const auto tables = compare(dir.file("db"));
  ASSERT_FALSE(tables.rollups.empty());
  EXPECT_EQ(tables.rollups, tables.from_hits);
  sqlite::Database db(dir.file("db"), SQLITE_OPEN_READONLY);
  EXPECT_EQ(db.query_int("SELECT visits FROM daily_visits"), 2);
  EXPECT_EQ(db.query_int("SELECT avg_seconds FROM daily_visits"), 60);
  EXPECT_EQ(db.query_int("SELECT avg_pages FROM daily_visits"), 3);
}

TEST(HistoryRollups, VisitRollupsEqualAGroupByOverEveryVisitStored) {
  TempDir dir;
  SqliteHistory history(dir.file("db"));
  std::mt19937 random(7);
  std::size_t stored = 0;
  // Batches of 0..99 visits (more and fewer than one multi-row INSERT holds)
  // over three days and two sites.
  for (int batch = 0; batch < 12; ++batch) {
    std::vector<Visit> visits;
    const auto count = random() % 100;
    for (std::size_t n = 0; n < count; ++n) {
      const std::int64_t start = midnight + static_cast<std::int64_t>(random() % (3 * day));
      visits.push_back({"v" + std::to_string(random() % 50), random() % 2 ? "a.example" : "b.example",
                        start, start + static_cast<std::int64_t>(random() % 600'000),
                        static_cast<std::int64_t>(1 + random() % 5), "/in" + std::to_string(n),
                        "/out", n % 3 ? "GB" : "", n % 4 ? "mobile" : ""});
      visits.back().engaged_ms = static_cast<std::int64_t>(random() % 20'000);  // bounce or not
    }
    stored += visits.size();
    history.commit({{}, visits, {1, static_cast<std::uint64_t>(batch + 1)}});
  }
  sqlite::Database db(dir.file("db"), SQLITE_OPEN_READONLY);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM visits"), static_cast<std::int64_t>(stored));
  EXPECT_EQ(db.query_int("SELECT count(*) FROM visits WHERE entry_page NOT LIKE '/in%' OR "
                         "exit_page <> '/out' OR end < start OR pages < 1"),
            0);
  const auto rollups = rows(
      db,
      "SELECT start, host, visits, duration_ms, pages, engaged_visits, engaged_pages, engaged_ms, "
      "bounces FROM visit_rollups ORDER BY start, host",
      9);
  ASSERT_EQ(rollups.size(), 6u);
  EXPECT_EQ(rollups, rows(db,
                          "SELECT start / 86400000 * 86400000 AS day, host, count(*), "
                          "sum(end - start), sum(pages), count(engaged_ms), sum(pages), "
                          "sum(engaged_ms), sum(bounce) FROM visits GROUP BY day, host "
                          "ORDER BY day, host",
                          9));
}

TEST(HistoryRollups, RetentionDeletesWholeBucketsOlderThanTheCutoff) {
  TempDir dir;
  SqliteHistory history(dir.file("db"));
  const std::vector<Hit> hits{view(midnight - day + 10, 1, "/old"), view(midnight + 10, 1, "/")};
  history.commit({hits, {}, {1, 2}});
  // A cutoff in the middle of today: yesterday's buckets go, today's stay.
  while (history.delete_before(midnight + 12 * hour, 1) > 0) {
  }
  sqlite::Database db(dir.file("db"), SQLITE_OPEN_READONLY);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM rollups WHERE start < " + std::to_string(midnight)),
            0);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM rollups WHERE span = 'day'"), 3);
}

// After a restart the first commit in a day that already holds views must
// not wait while that day's visitors load (the ring frees nothing
// meanwhile): it stores its hits at once and they are counted later,
// exactly.
TEST(HistoryRollups, AfterARestartCommitsDoNotWaitForTheDaysVisitors) {
  TempDir dir;
  std::uint64_t seq = 0;
  auto views = [&](std::int64_t from, int count, int first_visitor) {
    std::vector<Hit> hits;
    for (int n = 0; n < count; ++n) {
      hits.push_back(view(from + n * 1000, static_cast<std::uint8_t>(first_visitor + n % 50),
                          n % 2 ? "/a" : "/b", n % 3 ? "GB" : "DE"));
    }
    seq += hits.size();
    return hits;
  };
  {
    SqliteHistory history(dir.file("db"));
    const auto hits = views(midnight + hour, 2000, 0);
    history.commit({hits, {}, {1, seq}});
    EXPECT_EQ(history.rollups_behind(), 0);
  }
  SqliteHistory history(dir.file("db"));
  for (int batch = 0; batch < 3; ++batch) {
    const auto hits = views(midnight + hour + 2'000'000 + batch * 100'000, 100, 25);
    history.commit({hits, {}, {1, seq}});
    // The first is stored, not counted yet; the next may be counted with
    // what was put off, once the sets have loaded.
    if (batch == 0) {
      EXPECT_EQ(history.rollups_behind(), 100);
    }
  }
  catch_up(history);
  const auto tables = compare(dir.file("db"));
  EXPECT_EQ(tables.rollups, tables.from_hits);
  // Caught up, the next batch is counted with its own commit again.
  const auto hits = views(midnight + 2 * hour, 10, 90);
  history.commit({hits, {}, {1, seq}});
  EXPECT_EQ(history.rollups_behind(), 0);
  const auto after = compare(dir.file("db"));
  EXPECT_EQ(after.rollups, after.from_hits);
}

// Retention that empties `hits` must not leave the rollup cursor above the
// rowids new hits get (SQLite hands out max(rowid) + 1 again).
TEST(HistoryRollups, NewHitsAreCountedAfterRetentionEmptiedTheTable) {
  TempDir dir;
  SqliteHistory history(dir.file("db"));
  const std::vector<Hit> old{view(midnight - 3 * day, 1, "/"), view(midnight - 3 * day + 1, 2, "/")};
  history.commit({old, {}, {1, 2}});
  while (history.delete_before(midnight, 100) > 0) {
  }
  const std::vector<Hit> fresh{view(midnight + 10, 3, "/new")};
  history.commit({fresh, {}, {1, 3}});
  catch_up(history);
  const auto tables = compare(dir.file("db"));
  ASSERT_FALSE(tables.rollups.empty());
  EXPECT_EQ(tables.rollups, tables.from_hits);
}

}  // namespace
}  // namespace onlooker
