// Engaged time per page in history (page_engagement_rollups.h): random
// visits, some with beacon.js (leaves carry the page's visible time), some
// without (estimated from the time to the next view, capped), go through the
// real visit tracker and each backend's sink; the rollups, the SQL over hits
// and visits (page_engagement_sql.h) and the history report must equal what
// the visits themselves say. SQLite in a temp file, PostgreSQL in a fresh
// database of a real server.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <tuple>
#include <utility>

#include "history_reader.h"
#include "page_engagement_rollups.h"
#include "page_engagement_sql.h"
#include "pg_connection.h"
#include "pg_sql.h"
#include "sqlite_db.h"
#include "support/history_backends.h"
#include "support/journey_walks.h"

namespace onlooker {
namespace {

using test::journey_walks::first_day;
using test::journey_walks::make_hit;
using test::journey_walks::pages;
using test::journey_walks::Walk;

// Longer than the estimate's cap (180 s), so that some gaps are capped.
constexpr std::int64_t window_ms = 300'000;

// (start, host, path) -> (views, engaged_ms, estimated_views)
using Key = std::tuple<std::int64_t, std::string, std::string>;
using Sums = std::map<Key, std::tuple<std::int64_t, std::int64_t, std::int64_t>>;

// Stores random visits through a VisitTracker into `sink`; returns what
// they add up to per page, worked out from the visits as generated.
Sums store_random_visits(HistorySink& sink) {
  std::mt19937 random(1810);
  Sums expected;
  std::vector<Hit> hits;
  for (std::uint32_t who = 1; who <= 300; ++who) {
    std::int64_t ts = first_day + static_cast<std::int64_t>(random() % (40 * day_ms));
    for (int visit = 0; visit < 2; ++visit) {
      Walk walk;
      walk.host = random() % 3 == 0 ? "b.example" : "a.example";
      walk.bot = random() % 10 == 0;
      const bool beacon = random() % 2 == 0;
      const int views = 1 + static_cast<int>(random() % 6);
      const std::int64_t day = ts / day_ms * day_ms;
      for (int view = 0; view < views; ++view) {
        const std::string path = pages[random() % std::size(pages)];
        hits.push_back(make_hit(who, walk, ts, path, HitKind::view));
        // beacon.js: its first beat says so, even if no leave comes.
        if (beacon && view == 0) hits.push_back(make_hit(who, walk, ts, path, HitKind::beat));
        const std::int64_t stay = 1 + static_cast<std::int64_t>(random() % 250'000);
        if (beacon && random() % 5 != 0) {  // a leave (a fifth of the tabs are killed without)
          Hit leave = make_hit(who, walk, ts + stay, path, HitKind::leave);
          leave.visible_ms = static_cast<std::uint32_t>(random() % stay);
          if (!walk.bot) {
            auto& [n, ms, estimated] = expected[{day, walk.host, path}];
            ++n;
            ms += leave.visible_ms;
          }
          hits.push_back(std::move(leave));
        }
        if (!beacon && !walk.bot && view + 1 < views) {
          auto& [n, ms, estimated] = expected[{day, walk.host, path}];
          ++n;
          ms += std::min<std::int64_t>(stay + 1, 180'000);
          ++estimated;
        }
        ts += stay + 1;
      }
      ts += window_ms + static_cast<std::int64_t>(random() % day_ms);  // the next visit
    }
  }
  std::stable_sort(hits.begin(), hits.end(),
                   [](const Hit& a, const Hit& b) { return a.ts_ms < b.ts_ms; });
  test::journey_walks::track_into(sink, std::move(hits), window_ms);
  return expected;
}

template <class Backend>
Sums stored_sums(Backend& backend, const std::string& sql) {
  Sums sums;
  for (const auto& row : backend.rows(sql)) {
    sums[{std::stoll(row[0]), row[1], row[2]}] = {std::stoll(row[3]), std::stoll(row[4]),
                                                  std::stoll(row[5])};
  }
  return sums;
}

constexpr const char* stored_rollups =
    "SELECT start, host, path, views, engaged_ms, estimated_views FROM page_engagement_rollups";

template <class Backend>
class PageEngagement : public ::testing::Test {
 protected:
  Backend backend;
};

using Backends = ::testing::Types<test::SqliteBackend, test::PostgresBackend>;
TYPED_TEST_SUITE(PageEngagement, Backends);

TYPED_TEST(PageEngagement, RollupsEqualTheVisitsAndAGroupByOverTheHitsAndVisitsStored) {
  const Sums expected = store_random_visits(*this->backend.sink());
  ASSERT_GT(expected.size(), 200u);
  std::int64_t estimated = 0;
  for (const auto& [key, sums] : expected) estimated += std::get<2>(sums);
  ASSERT_GT(estimated, 100);
  EXPECT_EQ(stored_sums(this->backend, stored_rollups), expected);
  EXPECT_EQ(stored_sums(this->backend, std::string(page_engagement_from_hits_sql)), expected);
  // The view in docs/SQL.md: the same rows, in seconds per view.
  EXPECT_EQ(this->backend.query_int("SELECT count(*) FROM daily_page_engagement"),
            static_cast<std::int64_t>(expected.size()));
}

// /api/history's pages: each one's engaged sums over the visits begun in the
// range's days, for a site or all.
TYPED_TEST(PageEngagement, TheReportGivesEachPageItsEngagedTimeOverTheRange) {
  const Sums expected = store_random_visits(*this->backend.sink());
  for (const auto& [first, days, host] :
       {std::tuple{0, 40, ""}, std::tuple{3, 9, "a.example"}, std::tuple{20, 1, "b.example"}}) {
    HistoryRequest request;
    request.from_ms = first_day + first * day_ms;
    request.to_ms = request.from_ms + days * day_ms;
    request.host = host;
    std::map<std::string, std::tuple<std::int64_t, std::int64_t, std::int64_t>> want;
    for (const auto& [key, sums] : expected) {
      const auto& [start, key_host, path] = key;
      if (start < request.from_ms || start >= request.to_ms || (*host && key_host != host)) {
        continue;
      }
      auto& [n, ms, estimated] = want[path];
      n += std::get<0>(sums);
      ms += std::get<1>(sums);
      estimated += std::get<2>(sums);
    }
    const HistoryReport report = this->backend.reader()->report(request);
    ASSERT_FALSE(report.pages.empty());
    for (const auto& page : report.pages) {
      EXPECT_EQ(std::tuple(page.engaged_views, page.engaged_ms, page.estimated_views),
                want[page.value])
          << first << "+" << days << " " << host << " " << page.value;
    }
  }
}

TEST(PageEngagementTracker, AVisitWithBeaconJsTakesTheLeavesAndOneWithoutTheGaps) {
  VisitTracker tracker(window_ms);
  std::vector<Visit> closed;
  const Walk walk{"a.example", false, {}};
  // Measured: two leaves of "/" and one of "/docs/" (a beat says beacon.js).
  for (const auto& [ts, path, kind, visible] :
       {std::tuple{0, "/", HitKind::view, 0}, std::tuple{5'000, "/", HitKind::leave, 4'000},
        std::tuple{6'000, "/docs/", HitKind::view, 0}, std::tuple{9'000, "/docs/", HitKind::leave, 2'500},
        std::tuple{10'000, "/", HitKind::view, 0}, std::tuple{12'000, "/", HitKind::leave, 1'000}}) {
    Hit hit = make_hit(1, walk, first_day + ts, path, kind);
    hit.visible_ms = static_cast<std::uint32_t>(visible);
    tracker.apply(hit, closed);
  }
  // Estimated: views only, 200 s (capped at 180 s) and 30 s apart.
  for (const auto& [ts, path] : {std::pair{0, "/"}, std::pair{200'000, "/a"},
                                 std::pair{230'000, "/"}}) {
    tracker.apply(make_hit(2, walk, first_day + ts, path, HitKind::view), closed);
  }
  tracker.close_all(closed);
  ASSERT_EQ(closed.size(), 2u);
  std::sort(closed.begin(), closed.end(),
            [](const Visit& a, const Visit& b) { return a.engaged_estimated < b.engaged_estimated; });
  EXPECT_EQ(closed[0].page_engaged,
            (std::vector<PageEngaged>{{"/", 5'000, 2}, {"/docs/", 2'500, 1}}));
  EXPECT_EQ(closed[1].page_engaged,
            (std::vector<PageEngaged>{{"/", 180'000, 1}, {"/a", 30'000, 1}}));
  const auto deltas = page_engagement_deltas(closed);
  ASSERT_EQ(deltas.size(), 3u);
  EXPECT_EQ(deltas[0].path, "/");
  EXPECT_EQ(std::tuple(deltas[0].views, deltas[0].engaged_ms, deltas[0].estimated_views),
            std::tuple(3, 185'000, 1));
}

TEST(PageEngagementUpgrade, IsBuiltOnceFromTheVisitsAndHitsOfAnOlderSqliteDatabase) {
  test::SqliteBackend backend;
  const Sums expected = store_random_visits(*backend.sink());
  {
    sqlite::Database db(backend.dir.file("db"));
    db.exec(std::string(test::drop_page_engagement_sql) + "PRAGMA user_version = 8");
  }
  backend.sink();  // opens and migrates it
  EXPECT_EQ(backend.query_int("PRAGMA user_version"), 9);
  EXPECT_EQ(stored_sums(backend, stored_rollups), expected);
  EXPECT_EQ(backend.query_int(
                "SELECT count(*) FROM sqlite_master WHERE name = 'page_engagement_build'"),
            0)
      << "the index made for the build is dropped after it";
}

TEST(PageEngagementUpgrade, IsBuiltOnceFromTheVisitsAndHitsOfAnOlderPostgresqlDatabase) {
  test::PostgresBackend backend;
  const Sums expected = store_random_visits(*backend.sink());
  {
    pg::Connection connection(backend.uri);
    connection.exec("DROP VIEW daily_page_engagement; DROP TABLE page_engagement_rollups; "
                    "UPDATE schema_version SET version = " +
                    std::to_string(pg_sql::page_engagement_version - 1));
  }
  backend.sink()->committed_position();  // connects, and so migrates
  EXPECT_EQ(stored_sums(backend, stored_rollups), expected);
  EXPECT_EQ(backend.query_int("SELECT max(version) FROM schema_version"), pg_sql::schema_version);
  backend.sink()->committed_position();  // opened again: nothing is built twice
  EXPECT_EQ(stored_sums(backend, stored_rollups), expected);
}

}  // namespace
}  // namespace onlooker
