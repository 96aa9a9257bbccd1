// Retention on every history backend: what is older than the cutoff goes,
// in batches, alerts under the default policy only, and a site's own policy
// empties that site's rows in every table and no other site's.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "history_reader.h"
#include "history_sink.h"
#include "support/history_backends.h"
#include "support/history_hits.h"

namespace onlooker {
namespace {

using test::catch_up;
using test::midnight;
using test::PostgresBackend;
using test::SqliteBackend;
using test::view;
using test::whole_day;

template <class Backend>
class HistoryRetention : public ::testing::Test {
 protected:
  Backend backend;
};

using Backends = ::testing::Types<SqliteBackend, PostgresBackend>;
TYPED_TEST_SUITE(HistoryRetention, Backends);

TYPED_TEST(HistoryRetention, RetentionDeletesWhatIsOlderThanTheCutoffInBatches) {
  auto sink = this->backend.sink();
  std::vector<Hit> hits;
  for (int i = 0; i < 5; ++i) hits.push_back(view(midnight - 3 * day_ms + i, 1, "/old"));
  hits.push_back(view(midnight + 1, 2, "/new"));
  Visit visit;
  visit.visitor = "0101";
  visit.host = "a.example";
  visit.start_ms = midnight - 3 * day_ms;
  visit.last_seen_ms = visit.start_ms + 1000;
  visit.pages = 5;
  visit.entry_page = visit.exit_page = "/old";
  const std::vector<Visit> visits{visit};
  sink->commit({hits, visits, {1, hits.size()}});
  catch_up(*sink);

  std::size_t deleted = 0;
  std::size_t rounds = 0;
  for (std::size_t step; (step = sink->delete_before(midnight, 2)) > 0; ++rounds) deleted += step;
  EXPECT_GE(rounds, 3u);  // at most 2 rows of each table per call
  EXPECT_GE(deleted, 6u);  // 5 hits and a visit, besides the old rollup rows
  const auto report = this->backend.reader()->report(
      {midnight - 4 * day_ms, midnight + day_ms, "", RollupSpan::day});
  ASSERT_EQ(report.series.size(), 1u);
  EXPECT_EQ(report.series[0].start_ms, midnight);

  // New hits still count once everything older went.
  const std::vector<Hit> later{view(midnight + 2, 3, "/new")};
  sink->commit({later, {}, {1, hits.size() + 1}});
  catch_up(*sink);
  EXPECT_EQ(this->backend.reader()->report(whole_day()).series.at(0).visitors, 2);
}

// Alerts follow --retention-days (the call that names no site), whatever
// the sites with a retention of their own keep.
TYPED_TEST(HistoryRetention, RetentionDeletesOldAlertsUnderTheDefaultPolicyOnly) {
  auto sink = this->backend.sink();
  const std::vector<AlertRow> alerts = {
      {"busy", "live > 200", 214, "firing", midnight - 3 * day_ms, "node-a"},
      {"busy", "live > 200", 150, "cleared", midnight - 3 * day_ms + 60'000, "node-a"},
      {"busy", "live > 200", 230, "firing", midnight + 1'000, "node-a"},
  };
  sink->record_alerts(alerts);
  auto reader = this->backend.reader();
  // A site's own rule deletes that site's rows only: no alert goes.
  sink->delete_before(midnight, 100, HostFilter{{"a.example"}, {}});
  EXPECT_EQ(reader->alerts(0, INT64_MAX).size(), 3u);
  // The default policy, even with sites excepted from it: old alerts go, in batches.
  EXPECT_GE(sink->delete_before(midnight, 1, HostFilter{{}, {"a.example"}}), 1u);
  EXPECT_EQ(reader->alerts(0, INT64_MAX).size(), 2u);
  sink->delete_before(midnight, 100, HostFilter{{}, {"a.example"}});
  EXPECT_EQ(reader->alerts(0, INT64_MAX), std::vector<AlertRow>(alerts.begin() + 2, alerts.end()));
}

// views_per_minute's baseline, through the reader interface: the median of
// the same minute 1-4 weeks back; with less history, the last hour.
TYPED_TEST(HistoryRetention, RetentionDeletesOnlyTheSitesTheFilterNames) {
  auto sink = this->backend.sink();
  const std::int64_t old = midnight - 3 * day_ms;
  const std::vector<Hit> hits{view(old + 1, 1, "/", "GB", "desktop", "a.example"),
                              view(old + 2, 2, "/", "GB", "desktop", "www.b.example"),
                              view(old + 3, 3, "/", "GB", "desktop", "b.example"),
                              view(old + 4, 4, "/", "GB", "desktop", "c.example")};
  sink->commit({hits, {}, {1, hits.size()}});
  catch_up(*sink);
  auto views_of = [&](const char* host) {
    const auto report = this->backend.reader()->report({old - day_ms, midnight, host, RollupSpan::day});
    return report.series.empty() ? 0 : report.series.at(0).views;
  };
  // "*.b.example" is every name under b.example, not b.example itself.
  while (sink->delete_before(midnight, 100, {{"*.b.example"}, {}}) > 0) {
  }
  EXPECT_EQ(views_of("www.b.example"), 0);
  EXPECT_EQ(views_of("b.example"), 1);
  // Everything but a.example.
  while (sink->delete_before(midnight, 100, {{}, {"a.example"}}) > 0) {
  }
  EXPECT_EQ(views_of("a.example"), 1);
  EXPECT_EQ(views_of("b.example"), 0);
  EXPECT_EQ(views_of("c.example"), 0);
}

// --site-retention-days deletes one site's rows from every table that has a
// host (hits, visits and each rollup: views, visits, journeys, and on
// PostgreSQL the rollups' visitor sets), and nothing of the other sites.
TYPED_TEST(HistoryRetention, SiteRetentionEmptiesEveryTableOfThatSiteOnly) {
  auto sink = this->backend.sink();
  const std::int64_t old = midnight - 60 * day_ms;  // its day and its month are over
  const std::vector<std::string> hosts{"a.example", "www.b.example", "c.example"};
  std::vector<Hit> hits;
  std::vector<Visit> visits;
  std::uint8_t who = 1;
  for (const auto& host : hosts) {
    for (const char* path : {"/", "/next"}) {
      hits.push_back(view(old + who * 1000, who, path, "GB", "desktop", host.c_str()));
    }
    Visit visit;
    visit.visitor = std::string(32, static_cast<char>('0' + who));
    visit.host = host;
    visit.start_ms = old + who * 1000;
    visit.last_seen_ms = visit.start_ms + 60'000;
    visit.pages = 2;
    visit.entry_page = "/";
    visit.exit_page = "/next";
    visit.journey = {{visit.start_ms, "/"}, {visit.start_ms + 1000, "/next"}};
    visit.page_engaged = {{"/", 1000, 1}};
    visits.push_back(visit);
    ++who;
  }
  sink->commit({hits, visits, {1, hits.size()}});
  catch_up(*sink);
  std::vector<std::string> tables{"hits",          "visits", "rollups", "visit_rollups",
                                  "journey_rollups", "page_engagement_rollups"};
  if (std::is_same_v<TypeParam, PostgresBackend>) tables.push_back("rollup_visitor_days");
  auto rows = [&](const std::string& table, const std::string& host) {
    return this->backend.query_int("SELECT count(*) FROM " + table + " WHERE host = '" + host + "'");
  };
  for (const auto& table : tables) {
    for (const auto& host : hosts) ASSERT_GT(rows(table, host), 0) << table << " " << host;
  }
  // b's own rule (pattern), as apply_retention() calls it.
  while (sink->delete_before(midnight, 100, {{"*.b.example"}, {}}) > 0) {
  }
  for (const auto& table : tables) {
    EXPECT_EQ(rows(table, "www.b.example"), 0) << table;
    EXPECT_GT(rows(table, "a.example"), 0) << table;
    EXPECT_GT(rows(table, "c.example"), 0) << table;
  }
  // --retention-days for the sites without a rule of their own: a.example's rule keeps it.
  while (sink->delete_before(midnight, 100, {{}, {"a.example", "*.b.example"}}) > 0) {
  }
  for (const auto& table : tables) {
    EXPECT_EQ(rows(table, "c.example"), 0) << table;
    EXPECT_GT(rows(table, "a.example"), 0) << table;
  }
}

// Two onlookerd on one PostgreSQL: each keeps its own ring position, and a
// visitor both nodes saw in one hour counts once.
}  // namespace
}  // namespace onlooker
