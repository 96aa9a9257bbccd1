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

// The count a cluster link sends on to the other nodes (publish_errors):
// one call per read that had errors, with the newest error's time.
struct ErrorCollectingFeed final : HitFeed {
  std::vector<Hit> hits;
  std::vector<ErrorRecords> errors;
  void publish(std::shared_ptr<const std::vector<Hit>> batch) override {
    hits.insert(hits.end(), batch->begin(), batch->end());
  }
  void publish_errors(ErrorRecords read) override { errors.push_back(read); }
};

TEST(DrainLoop, EachReadsErrorRecordsArePublishedAsACountForTheOtherNodes) {
  test::TempDir dir;
  test::TestRing ring(dir.file("ring"), 64);
  RingReader reader(dir.file("ring"));
  SqliteHistory history(dir.file("db"));
  ErrorCollectingFeed feed;
  DrainLoop drain(reader, history, feed, {.commit_interval = std::chrono::milliseconds(0)});
  const std::uint64_t ts = 1'794'960'000'000;
  ASSERT_TRUE(ring.push({.kind = ONLOOKER_KIND_ERROR, .status = 500, .ts_ms = ts + 7,
                         .visitor_byte = 2, .path = "/checkout"}));
  ASSERT_TRUE(ring.push({.ts_ms = ts + 8, .visitor_byte = 1, .path = "/a"}));
  ASSERT_TRUE(ring.push({.kind = ONLOOKER_KIND_ERROR, .status = 503, .ts_ms = ts + 9,
                         .visitor_byte = 3, .path = "/checkout"}));
  ASSERT_GT(drain.step(), 0u);
  ASSERT_EQ(feed.errors.size(), 1u);
  EXPECT_EQ(feed.errors[0].count, 2u);
  EXPECT_EQ(feed.errors[0].newest_ts_ms, static_cast<std::int64_t>(ts) + 9);
  EXPECT_EQ(feed.hits.size(), 1u);
  // A read without errors publishes no count.
  ASSERT_TRUE(ring.push({.ts_ms = ts + 10, .visitor_byte = 4, .path = "/b"}));
  while (drain.step() > 0) {
  }
  EXPECT_EQ(feed.errors.size(), 1u);
  EXPECT_EQ(feed.hits.size(), 2u);
}

}  // namespace
}  // namespace onlooker
