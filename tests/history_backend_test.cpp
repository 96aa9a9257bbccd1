// What every history backend must do, through the interfaces alone
// (HistorySink to write, HistoryReader to read): one typed suite, run for
// each backend listed in Backends: SQLite in a temp file, PostgreSQL in a
// fresh database of a real server (one server per test binary).
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>
#include <vector>

#include "history_reader.h"
#include "history_sink.h"
#include "pg_history.h"
#include "pg_connection.h"
#include "pg_history_reader.h"
#include "sqlite_history.h"
#include "sqlite_db.h"
#include "sqlite_history_reader.h"
#include "support/history_backends.h"
#include "support/history_hits.h"
#include "support/postgres_server.h"
#include "support/temp_dir.h"
#include "view_baseline.h"

namespace onlooker {
namespace {

using test::PostgresBackend;
using test::SqliteBackend;

template <class Backend>
class HistoryBackend : public ::testing::Test {
 protected:
  Backend backend;
};

using Backends = ::testing::Types<SqliteBackend, PostgresBackend>;
TYPED_TEST_SUITE(HistoryBackend, Backends);

using test::catch_up;
using test::midnight;
using test::view;
using test::whole_day;


TYPED_TEST(HistoryBackend, StoresThePositionWithTheRowsAndKeepsItAcrossARestart) {
  const std::uint64_t big_generation = 0xF000000000000001ULL;  // above INT64_MAX
  {
    auto sink = this->backend.sink();
    EXPECT_FALSE(sink->committed_position().has_value());
    const std::vector<Hit> hits{view(midnight + 1, 1, "/"), view(midnight + 2, 2, "/")};
    sink->commit({hits, {}, {big_generation, 2}});
    EXPECT_EQ(sink->committed_position(), (RingPosition{big_generation, 2}));
  }
  auto again = this->backend.sink();
  EXPECT_EQ(again->committed_position(), (RingPosition{big_generation, 2}));
  const std::vector<Hit> more{view(midnight + 3, 3, "/")};
  again->commit({more, {}, {big_generation, 3}});
  EXPECT_EQ(again->committed_position(), (RingPosition{big_generation, 3}));
  catch_up(*again);
  const auto report = this->backend.reader()->report(whole_day());
  ASSERT_EQ(report.series.size(), 1u);
  EXPECT_EQ(report.series[0].views, 3);
}

// Both backends keep a leave's and a hide's visible time, and none for
// other kinds (a show or beat says nothing of it, whatever it carried).
TYPED_TEST(HistoryBackend, StoresTheVisibleTimeOfLeavesAndHidesOnly) {
  auto sink = this->backend.sink();
  std::vector<Hit> hits{view(midnight + 1000, 1, "/"), view(midnight + 2000, 1, "/"),
                        view(midnight + 3000, 1, "/"), view(midnight + 4000, 1, "/")};
  const std::pair<HitKind, std::uint32_t> events[] = {
      {HitKind::view, 0}, {HitKind::hide, 5123}, {HitKind::show, 99}, {HitKind::leave, 7000}};
  for (std::size_t i = 0; i < hits.size(); ++i) {
    hits[i].kind = events[i].first;
    hits[i].visible_ms = events[i].second;
  }
  sink->commit({hits, {}, {1, hits.size()}});
  EXPECT_EQ(this->backend.query_int("SELECT count(*) FROM hits WHERE visible_ms IS NULL"), 2);
  EXPECT_EQ(this->backend.query_int("SELECT visible_ms FROM hits WHERE kind = 'hide'"), 5123);
  EXPECT_EQ(this->backend.query_int("SELECT visible_ms FROM hits WHERE kind = 'leave'"), 7000);
  EXPECT_EQ(this->backend.query_int("SELECT count(*) FROM hits WHERE kind = 'show'"), 1);
}

// Visit duration, pages, engaged time and bounces in /api/history come from
// visit_rollups: they must equal a GROUP BY over the visits stored, for any
// range of days and site, and each visit's bounce must follow the rule.
TYPED_TEST(HistoryBackend, VisitEngagementEqualsAGroupByOverTheVisitsStored) {
  auto sink = this->backend.sink();
  std::mt19937 random(18);
  std::uint64_t position = 1;
  for (int batch = 0; batch < 12; ++batch) {
    std::vector<Visit> visits;
    for (int n = 0; n < 40; ++n) {
      Visit visit;
      visit.visitor = std::to_string(random() % 1000);
      visit.host = random() % 3 ? "a.example" : "b.example";
      visit.start_ms = midnight + static_cast<std::int64_t>(random() % (10 * day_ms));
      visit.last_seen_ms = visit.start_ms + static_cast<std::int64_t>(random() % 900'000);
      visit.pages = 1 + static_cast<std::int64_t>(random() % 3 ? 0 : random() % 6);
      visit.entry_page = visit.exit_page = "/";
      visit.engaged_ms = static_cast<std::int64_t>(random() % 20'000);  // around the 10 s rule
      visit.engaged_estimated = random() % 4 == 0;
      visits.push_back(visit);
    }
    sink->commit({{}, visits, {1, position++}});
  }
  auto reader = this->backend.reader();
  auto& stored = this->backend;
  ASSERT_GT(stored.query_int("SELECT count(*) FROM visits WHERE bounce = 1"), 20);
  EXPECT_EQ(stored.query_int("SELECT count(*) FROM visits WHERE bounce <> CASE WHEN pages = 1 AND "
                             "engaged_ms < 10000 THEN 1 ELSE 0 END"),
            0);
  EXPECT_EQ(stored.query_int("SELECT count(*) FROM visits WHERE engaged_estimated = 1"),
            stored.query_int("SELECT count(*) FROM visits") -
                stored.query_int("SELECT count(*) FROM visits WHERE engaged_estimated = 0"));
  for (const auto& [first_day, days, host] :
       {std::tuple{0, 10, ""}, std::tuple{2, 3, ""}, std::tuple{1, 7, "b.example"},
        std::tuple{9, 1, "a.example"}}) {
    const HistoryRequest range{midnight + first_day * day_ms, midnight + (first_day + days) * day_ms,
                               host, RollupSpan::day};
    const std::string where = " FROM visits WHERE start >= " + std::to_string(range.from_ms) +
                              " AND start < " + std::to_string(range.to_ms) +
                              (*host ? " AND host = '" + std::string(host) + "'" : "");
    HistoryReport::Visits expected;
    expected.visits = stored.query_int("SELECT count(*)" + where);
    expected.duration_ms = stored.query_int("SELECT coalesce(sum(\"end\" - start), 0)" + where);
    expected.pages = stored.query_int("SELECT coalesce(sum(pages), 0)" + where);
    expected.engaged_visits = stored.query_int("SELECT count(engaged_ms)" + where);
    expected.engaged_pages =
        stored.query_int("SELECT coalesce(sum(pages), 0)" + where + " AND engaged_ms IS NOT NULL");
    expected.engaged_ms = stored.query_int("SELECT coalesce(sum(engaged_ms), 0)" + where);
    expected.bounces = stored.query_int("SELECT count(*)" + where + " AND bounce = 1");
    ASSERT_GT(expected.visits, 0);
    EXPECT_EQ(reader->report(range).visits, expected) << first_day << "+" << days << " " << host;
  }
}

TYPED_TEST(HistoryBackend, ReportsCountPeoplesViewsPerBucketPageAndCountry) {
  auto sink = this->backend.sink();
  Hit beat = view(midnight + 4000, 2, "/", "DE");
  beat.kind = HitKind::beat;
  const std::vector<Hit> hits{
      view(midnight + 1000, 1, "/", "GB"),        view(midnight + 2000, 1, "/b", "GB"),
      view(midnight + 3000, 2, "/", "DE"),        beat,  // not a view
      view(midnight + 5000, 3, "/", "US", "bot"),  // not a person
      view(midnight + 6000, 4, "/", "", "mobile", "b.example"),  // located nowhere
      view(midnight + 2 * hour_ms, 1, "/", "GB"),  // the same person, a later hour
      view(midnight - 10, 5, "/old", "GB"),        // the day before
  };
  sink->commit({hits, {}, {1, hits.size()}});
  catch_up(*sink);
  auto reader = this->backend.reader();

  const auto days = reader->report(whole_day());
  ASSERT_EQ(days.series.size(), 1u);
  EXPECT_EQ(days.series[0].start_ms, midnight);
  EXPECT_EQ(days.series[0].views, 5);
  EXPECT_EQ(days.series[0].visitors, 3);
  ASSERT_EQ(days.pages.size(), 2u);
  EXPECT_EQ(days.pages[0].value, "/");
  EXPECT_EQ(days.pages[0].views, 4);
  EXPECT_EQ(days.pages[0].visitors, 3);
  ASSERT_EQ(days.countries.size(), 2u);  // the unlocated view is in no country
  EXPECT_EQ(days.countries[0].value, "GB");
  EXPECT_EQ(days.countries[0].views, 3);
  EXPECT_EQ(days.countries[0].visitors, 1);

  const auto hours =
      reader->report({midnight, midnight + day_ms, "", RollupSpan::hour});
  ASSERT_EQ(hours.series.size(), 2u);
  EXPECT_EQ(hours.series[0].visitors, 3);
  EXPECT_EQ(hours.series[1].start_ms, midnight + 2 * hour_ms);
  EXPECT_EQ(hours.series[1].visitors, 1);  // unique per hour: counted again

  const auto one_site = reader->report(whole_day("b.example"));
  ASSERT_EQ(one_site.series.size(), 1u);
  EXPECT_EQ(one_site.series[0].views, 1);
  EXPECT_TRUE(one_site.countries.empty());
}

TYPED_TEST(HistoryBackend, AlertsAreStoredInOrderAndReadBackByTime) {
  auto sink = this->backend.sink();
  const std::vector<AlertRow> alerts = {
      {"busy", "live > 200", 214, "firing", midnight + 1'000, "node-a"},
      {"errors", "status5xx_share{live} > 5%", 0.0625, "firing", midnight + 2'000, "node-a"},
      {"busy", "live > 200", 150, "cleared", midnight + 61'000, "node-a"},
  };
  sink->record_alerts(std::span(alerts).first(2));
  sink->record_alerts(std::span(alerts).subspan(2));
  auto reader = this->backend.reader();
  EXPECT_EQ(reader->alerts(midnight, midnight + 3'600'000), alerts);
  EXPECT_EQ(reader->alerts(midnight + 1'500, midnight + 61'000),
            std::vector<AlertRow>(alerts.begin() + 1, alerts.begin() + 2));
  // A restart keeps them.
  sink = this->backend.sink();
  sink->record_alerts(std::span(alerts).first(1));
  EXPECT_EQ(this->backend.reader()->alerts(0, midnight + 3'600'000).size(), 4u);
}

TYPED_TEST(HistoryBackend, TheViewBaselineIsTheMedianOfTheSameMinuteInTheLastFourWeeks) {
  const std::int64_t minute = midnight + 12 * hour_ms + 34 * 60'000;
  const std::int64_t now = minute + 17'000;
  std::vector<Hit> hits{view(minute - 29 * day_ms, 9, "/first")};  // history reaches 4 weeks back
  const int per_week[] = {10, 20, 100, 30};  // 1, 2, 3, 4 weeks ago: median (20 + 30) / 2
  for (int week = 1; week <= 4; ++week) {
    const std::int64_t start = minute - week * week_ms;
    for (int i = 0; i < per_week[week - 1]; ++i) hits.push_back(view(start + i * 500, 1, "/"));
    hits.push_back(view(start + 1'000, 2, "/", "GB", "bot"));  // bots are not people
    hits.push_back(view(start - 1, 3, "/"));                 // the minute before
    hits.push_back(view(start + 60'000, 3, "/"));            // the minute after
  }
  hits.push_back(view(minute + 1'000, 4, "/"));  // this minute's own views are not the baseline
  auto sink = this->backend.sink();
  sink->commit({hits, {}, {1, hits.size()}});
  auto reader = this->backend.reader();
  EXPECT_EQ(reader->first_hit_ms(), minute - 29 * day_ms);
  EXPECT_EQ(reader->person_views(minute - week_ms, minute - week_ms + 60'000), 10);
  const auto baseline = view_baseline(*reader, now);
  ASSERT_TRUE(baseline.has_value());
  EXPECT_DOUBLE_EQ(*baseline, 25);
}

TYPED_TEST(HistoryBackend, WithLessHistoryTheViewBaselineIsTheLastHoursAverage) {
  const std::int64_t minute = midnight + 12 * hour_ms + 34 * 60'000;
  const std::int64_t now = minute + 17'000;
  auto sink = this->backend.sink();
  sink->committed_position();  // the store is open (PostgreSQL: its schema made)
  auto reader = this->backend.reader();
  EXPECT_FALSE(reader->first_hit_ms().has_value());
  EXPECT_FALSE(view_baseline(*reader, now).has_value());  // no history: no baseline

  // 5 minutes of history: too little to say what is normal.
  std::vector<Hit> recent;
  for (int i = 0; i < 50; ++i) recent.push_back(view(minute - 5 * 60'000 + i * 1'000, 1, "/"));
  sink->commit({recent, {}, {1, recent.size()}});
  EXPECT_FALSE(view_baseline(*reader, now).has_value());

  // 30 minutes of history: the average over those 30 minutes. 50 views in
  // the last 5, 10 more at the start, a bot's left out: 60 / 30.
  std::vector<Hit> half_hour{view(minute - 30 * 60'000, 2, "/"),
                             view(minute - 20 * 60'000, 3, "/", "GB", "bot")};
  for (int i = 0; i < 9; ++i) half_hour.push_back(view(minute - 29 * 60'000 + i, 2, "/"));
  half_hour.push_back(view(minute + 2'000, 6, "/"));  // this minute: not in the baseline
  sink->commit({half_hour, {}, {1, recent.size() + half_hour.size()}});
  auto baseline = view_baseline(*reader, now);
  ASSERT_TRUE(baseline.has_value());
  EXPECT_DOUBLE_EQ(*baseline, 60.0 / 30);

  // History from 3 weeks back (under 4): the whole last hour, 60 views in
  // it and one just before it.
  const std::vector<Hit> older{view(minute - 21 * day_ms, 7, "/old"),
                               view(minute - hour_ms - 1, 8, "/")};
  sink->commit({older, {}, {1, recent.size() + half_hour.size() + older.size()}});
  baseline = view_baseline(*reader, now);
  ASSERT_TRUE(baseline.has_value());
  EXPECT_DOUBLE_EQ(*baseline, 60.0 / 60);
}

// --site-retention-days: a filter of host patterns picks whose rows go.
TEST(PostgresHistory, NodesShareRollupsExactlyAndKeepTheirOwnPositions) {
  PostgresBackend backend;
  PgHistory web1(backend.uri, "web-1");
  PgHistory web2(backend.uri, "web-2");
  const std::vector<Hit> on1{view(midnight + 1, 7, "/"), view(midnight + 2, 8, "/")};
  const std::vector<Hit> on2{view(midnight + 3, 7, "/"), view(midnight + 4, 9, "/b")};
  web1.commit({on1, {}, {11, 2}});
  web2.commit({on2, {}, {22, 2}});
  EXPECT_EQ(PgHistory(backend.uri, "web-1").committed_position(), (RingPosition{11, 2}));
  EXPECT_EQ(PgHistory(backend.uri, "web-2").committed_position(), (RingPosition{22, 2}));
  const auto hours = backend.reader()->report({midnight, midnight + day_ms, "", RollupSpan::hour});
  ASSERT_EQ(hours.series.size(), 1u);
  EXPECT_EQ(hours.series[0].views, 4);
  EXPECT_EQ(hours.series[0].visitors, 3);  // visitor 7 on both nodes: once
  ASSERT_FALSE(hours.pages.empty());
  EXPECT_EQ(hours.pages[0].value, "/");
  EXPECT_EQ(hours.pages[0].visitors, 2);
}

}  // namespace
}  // namespace onlooker
