// Error records (tracked pages answered >= 500) in the drain loop: counted
// for the alerts, never published to the live view, stored, or made a visit;
// their slots are freed like any other once the batch is committed.
#include <gtest/gtest.h>

#include "drain_loop.h"
#include "recent_counts.h"
#include "sqlite_history.h"
#include "support/collecting_feed.h"
#include "support/temp_dir.h"
#include "support/test_ring.h"

namespace onlooker {
namespace {

using test::CollectingFeed;

TEST(DrainLoop, ErrorRecordsAreCountedForTheAlertsAndGoNowhereElse) {
  test::TempDir dir;
  test::TestRing ring(dir.file("ring"), 64);
  RingReader reader(dir.file("ring"));
  SqliteHistory history(dir.file("db"));
  CollectingFeed feed;
  RecentCounts counts;
  DrainLoop drain(reader, history, feed, {.commit_interval = std::chrono::milliseconds(0)});
  drain.count_recent_into(&counts);
  const std::uint64_t ts = 1'794'960'000'000;
  ASSERT_TRUE(ring.push({.ts_ms = ts, .visitor_byte = 1, .path = "/a"}));
  ASSERT_TRUE(ring.push({.kind = ONLOOKER_KIND_ERROR, .status = 502, .ts_ms = ts + 1,
                         .visitor_byte = 2, .path = "/checkout"}));
  ASSERT_TRUE(ring.push({.ts_ms = ts + 2, .visitor_byte = 3, .user_agent = "Googlebot/2.1"}));
  ASSERT_TRUE(ring.push({.kind = ONLOOKER_KIND_ERROR, .status = 500, .ts_ms = ts + 3,
                         .visitor_byte = 2, .path = "/checkout"}));
  while (drain.step() > 0) {
  }
  ASSERT_EQ(feed.hits.size(), 2u);
  for (const Hit& hit : feed.hits) EXPECT_EQ(hit.kind, HitKind::view);
  EXPECT_EQ(drain.stats().ingested, 2u);
  EXPECT_EQ(drain.stats().corrupt, 0u);
  const MinuteTotals minute = counts.last_minute(static_cast<std::int64_t>(ts) + 1'000);
  EXPECT_EQ(minute.views, 2);
  EXPECT_EQ(minute.person_views, 2);  // no enricher here: nobody is known to be a bot
  EXPECT_EQ(minute.errors, 2);
  EXPECT_DOUBLE_EQ(minute.error_percent(), 50);
  sqlite::Database db(dir.file("db"), SQLITE_OPEN_READONLY);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM hits"), 2);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM hits WHERE path = '/checkout'"), 0);
  EXPECT_EQ(reader.tail(), 4u);  // every slot freed, the errors' too
}

}  // namespace
}  // namespace onlooker
