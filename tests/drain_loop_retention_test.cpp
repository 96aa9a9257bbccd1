// Retention in the drain loop: old rows deleted in small batches while idle,
// each site by its own --site-retention-days rule.
#include <gtest/gtest.h>

#include "support/drain_pipeline.h"

namespace onlooker {
namespace {

using test::drain_all;
using test::every_step;
using test::now_ms;
using test::Pipeline;
using test::row_count;

TEST(DrainLoop, RetentionDeletesOldRowsInBatches) {
  Pipeline pipeline;
  auto& [dir, ring, reader, history, feed] = pipeline;
  DrainLoop drain(reader, history, feed, every_step({.retention_days = 1, .retention_batch = 4}));
  const auto now = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
  for (std::uint64_t i = 0; i < 10; ++i) ASSERT_TRUE(ring.push({.ts_ms = now - 3 * 86'400'000 + i}));
  for (std::uint64_t i = 0; i < 3; ++i) ASSERT_TRUE(ring.push({.ts_ms = now - i}));
  drain_all(drain);
  // Idle steps delete a batch of 4 at a time until nothing old is left.
  for (int i = 0; i < 5; ++i) drain.step();
  EXPECT_EQ(row_count(dir.file("db")), 3);
}

// --site-retention-days: each site by its own rule, the first that matches;
// the rest by --retention-days.
TEST(DrainLoop, EachSiteKeepsHistoryByItsOwnRetention) {
  Pipeline pipeline;
  auto& [dir, ring, reader, history, feed] = pipeline;
  DrainLoop drain(reader, history, feed,
                  every_step({.retention_days = 1,
                              .site_retention = {{"keep.example", 0},
                                                 {"long.example", 30},
                                                 {"*.example", 5}}}));
  const std::uint64_t now = now_ms();
  const std::uint64_t day = 86'400'000;
  std::uint8_t who = 1;
  for (const char* host : {"keep.example", "long.example", "short.example", "other.org"}) {
    for (const std::uint64_t age : {3 * day, 10 * day, 40 * day}) {
      ASSERT_TRUE(ring.push({.ts_ms = now - age, .visitor_byte = who++, .host = host}));
    }
  }
  drain_all(drain);
  for (int i = 0; i < 3; ++i) drain.step();
  sqlite::Database db(dir.file("db"), SQLITE_OPEN_READONLY);
  auto kept = [&](const std::string& host) {
    return db.query_int("SELECT count(*) FROM hits WHERE host = '" + host + "'");
  };
  EXPECT_EQ(kept("keep.example"), 3);   // 0: kept, though *.example says 5
  EXPECT_EQ(kept("long.example"), 2);   // 30 days
  EXPECT_EQ(kept("short.example"), 1);  // *.example: 5 days
  EXPECT_EQ(kept("other.org"), 0);      // --retention-days 1
}

}  // namespace
}  // namespace onlooker
