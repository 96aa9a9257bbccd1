// The drain loop with a real ring file and a real SQLite file: every record
// reaches history exactly once, across failures and restarts.
#include <gtest/gtest.h>

#include <thread>

#include "alert_history_queue.h"
#include "drain_loop.h"
#include "sqlite_history_reader.h"
#include "recent_hits.h"
#include "record_decoder.h"
#include "sqlite_history.h"
#include "support/drain_pipeline.h"
#include "support/flaky_sink.h"
#include "support/temp_dir.h"
#include "support/test_ring.h"

namespace onlooker {
namespace {

using test::CollectingFeed;
using test::drain_all;
using test::every_step;
using test::FlakySink;
using test::now_ms;
using test::Pipeline;
using test::row_count;
using test::TempDir;
using test::TestRing;

std::int64_t distinct_ts(const std::string& db_path) {
  sqlite::Database db(db_path, SQLITE_OPEN_READONLY);
  return db.query_int("SELECT count(DISTINCT ts) FROM hits");
}

// The sink's put-off work (SQLite: rollups after a restart) runs whenever
// there is nothing to drain, and not while there is.
TEST(DrainLoop, LetsTheSinkCatchUpWhenIdle) {
  Pipeline pipeline;
  auto& [dir, ring, reader, history, feed] = pipeline;
  FlakySink sink(history, 0);
  DrainLoop drain(reader, sink, feed, every_step({.max_batch = 16}));
  for (std::uint64_t i = 0; i < 20; ++i) ASSERT_TRUE(ring.push({.ts_ms = i}));
  EXPECT_GT(drain.step(), 0u);
  EXPECT_EQ(sink.catch_ups, 0);
  drain_all(drain);
  EXPECT_EQ(sink.catch_ups, 1);
  EXPECT_EQ(drain.stats().catch_up_backlog, 0u);
  sink.backlog = 7;  // what /metrics shows as onlooker_rollups_behind
  drain.step();
  EXPECT_EQ(sink.catch_ups, 2);
  EXPECT_EQ(drain.stats().catch_up_backlog, 7u);
}

// A ring smaller than a batch must not fill up while the batch waits for
// its commit interval: half the ring read is reason enough to commit.
TEST(DrainLoop, CommitsOnceHalfTheRingIsRead) {
  Pipeline pipeline;  // a 64-slot ring
  auto& [dir, ring, reader, history, feed] = pipeline;
  DrainLoop drain(reader, history, feed, {.commit_interval = std::chrono::hours(1)});
  for (std::uint64_t i = 0; i < 31; ++i) ASSERT_TRUE(ring.push({.ts_ms = i}));
  drain.step();
  EXPECT_EQ(row_count(dir.file("db")), 0);  // a batch still waits for more
  ASSERT_TRUE(ring.push({.ts_ms = 31}));
  drain.step();
  EXPECT_EQ(row_count(dir.file("db")), 32);
  EXPECT_EQ(reader.tail(), 32u);
}

TEST(DrainLoop, CommitsEveryRecordOnceAndFreesItsSlots) {
  Pipeline pipeline;
  auto& [dir, ring, reader, history, feed] = pipeline;
  DrainLoop drain(reader, history, feed, every_step({.max_batch = 16}));
  for (std::uint64_t i = 0; i < 50; ++i) ASSERT_TRUE(ring.push({.ts_ms = i}));
  drain_all(drain);
  EXPECT_EQ(row_count(dir.file("db")), 50);
  EXPECT_EQ(distinct_ts(dir.file("db")), 50);
  EXPECT_EQ(feed.hits.size(), 50u);
  EXPECT_EQ(reader.tail(), 50u);
  EXPECT_EQ(history.committed_position(), (RingPosition{42, 50}));
}

TEST(DrainLoop, GroupCommitWaitsForTheIntervalOrAFullBatchButNotTheLiveView) {
  Pipeline pipeline;
  auto& [dir, ring, reader, history, feed] = pipeline;
  DrainLoop drain(reader, history, feed,
                  {.max_batch = 8, .commit_interval = std::chrono::milliseconds(300)});
  for (std::uint64_t i = 0; i < 3; ++i) ASSERT_TRUE(ring.push({.ts_ms = i}));
  EXPECT_EQ(drain.step(), 3u);
  EXPECT_EQ(feed.hits.size(), 3u) << "the live view gets hits at once";
  EXPECT_EQ(row_count(dir.file("db")), 0) << "history waits for more";
  EXPECT_EQ(reader.tail(), 0u) << "and the ring keeps them until then";
  std::this_thread::sleep_for(std::chrono::milliseconds(350));
  drain.step();
  EXPECT_EQ(row_count(dir.file("db")), 3);
  EXPECT_EQ(reader.tail(), 3u);

  for (std::uint64_t i = 3; i < 11; ++i) ASSERT_TRUE(ring.push({.ts_ms = i}));
  drain.step();  // a full batch of 8 is committed without waiting
  EXPECT_EQ(row_count(dir.file("db")), 11);

  ASSERT_TRUE(ring.push({.ts_ms = 11}));
  std::stop_source stop;
  stop.request_stop();
  drain.run(stop.get_token());  // stopping commits what waits
  EXPECT_EQ(row_count(dir.file("db")), 12);
  EXPECT_EQ(history.committed_position(), (RingPosition{42, 12}));
}

TEST(DrainLoop, AFullRingIsDrainedExactlyToItsHead) {
  Pipeline pipeline;
  auto& [dir, ring, reader, history, feed] = pipeline;
  DrainLoop drain(reader, history, feed, every_step());
  std::uint64_t pushed = 0;
  while (ring.push({.ts_ms = pushed})) ++pushed;
  ASSERT_EQ(pushed, 64u);
  drain_all(drain);
  EXPECT_EQ(row_count(dir.file("db")), 64);
  EXPECT_EQ(reader.tail(), reader.head());
  EXPECT_EQ(drain.read_position(), 64u);
  // And the next lap goes through too.
  for (std::uint64_t i = 0; i < 64; ++i) ASSERT_TRUE(ring.push({.ts_ms = 100 + i}));
  drain_all(drain);
  EXPECT_EQ(row_count(dir.file("db")), 128);
  EXPECT_EQ(distinct_ts(dir.file("db")), 128);
}

TEST(DrainLoop, ResumeSkipsRecordsCommittedBeforeACrash) {
  TempDir dir;
  TestRing ring(dir.file("ring"), 64);
  for (std::uint64_t i = 0; i < 30; ++i) ASSERT_TRUE(ring.push({.ts_ms = i}));
  {
    // A run that committed the first 20 and died before freeing them.
    SqliteHistory history(dir.file("db"));
    RingReader reader(dir.file("ring"));
    std::vector<Hit> first;
    for (std::uint64_t pos = 0; pos < 20; ++pos) {
      first.push_back(*decode_record(reader.record(pos), reader.generation(), pos));
    }
    history.commit({first, {}, {42, 20}});
    EXPECT_EQ(reader.tail(), 0u);
  }
  SqliteHistory history(dir.file("db"));
  RingReader reader(dir.file("ring"));
  CollectingFeed feed;
  DrainLoop drain(reader, history, feed, every_step());
  drain_all(drain);  // the first step resumes: frees the 20 without storing them again
  EXPECT_EQ(row_count(dir.file("db")), 30);
  EXPECT_EQ(distinct_ts(dir.file("db")), 30);
  ASSERT_EQ(feed.hits.size(), 10u);
  EXPECT_EQ(feed.hits.front().ts_ms, 20);
}

TEST(DrainLoop, FailedCommitKeepsRecordsInTheRingAndRetries) {
  TempDir dir;
  TestRing ring(dir.file("ring"), 64);
  RingReader reader(dir.file("ring"));
  SqliteHistory real(dir.file("db"));
  FlakySink flaky(real, 2);
  CollectingFeed feed;
  DrainLoop drain(reader, flaky, feed, every_step({.first_retry_backoff = std::chrono::milliseconds(30)}));
  for (std::uint64_t i = 0; i < 10; ++i) ASSERT_TRUE(ring.push({.ts_ms = i}));
  EXPECT_THROW(drain.step(), std::runtime_error);
  EXPECT_EQ(reader.tail(), 0u);      // nothing freed
  EXPECT_EQ(feed.hits.size(), 10u);  // the live view has them already
  // During the backoff, new records still reach the live view.
  for (std::uint64_t i = 10; i < 15; ++i) ASSERT_TRUE(ring.push({.ts_ms = i}));
  EXPECT_EQ(drain.step(), 5u);
  EXPECT_EQ(feed.hits.size(), 15u);
  EXPECT_EQ(reader.tail(), 0u);
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  EXPECT_THROW(drain.step(), std::runtime_error);  // second failure
  std::this_thread::sleep_for(std::chrono::milliseconds(70));
  EXPECT_EQ(drain.step(), 15u);
  EXPECT_EQ(reader.tail(), 15u);
  EXPECT_EQ(feed.hits.size(), 15u);  // published once, not per retry
  EXPECT_EQ(row_count(dir.file("db")), 15);
  EXPECT_EQ(distinct_ts(dir.file("db")), 15);
  EXPECT_EQ(drain.stats().commit_failures.load(), 2u);
}

// A commit of several reads joins them into one batch, in ring order, and
// leaves the hits a feed still holds (a live view behind) as they were.
TEST(DrainLoop, JoiningReadsForACommitLeavesTheHitsTheFeedStillHolds) {
  struct HoldingFeed final : HitFeed {
    std::vector<std::shared_ptr<const std::vector<Hit>>> held;
    void publish(std::shared_ptr<const std::vector<Hit>> batch) override {
      if (held.empty()) held.push_back(std::move(batch));  // only the first read
    }
  };
  TempDir dir;
  TestRing ring(dir.file("ring"), 64);
  RingReader reader(dir.file("ring"));
  SqliteHistory history(dir.file("db"));
  HoldingFeed feed;
  DrainLoop drain(reader, history, feed, {.max_batch = 8, .commit_interval = std::chrono::hours(1)});
  for (std::uint64_t read = 0; read < 3; ++read) {
    for (std::uint64_t i = 0; i < 3; ++i) {
      ASSERT_TRUE(ring.push({.ts_ms = read * 3 + i, .path = "/read-" + std::to_string(read)}));
    }
    drain.step();  // 3, 6, then 9 pending: the third read commits all three
  }
  EXPECT_EQ(row_count(dir.file("db")), 9);
  sqlite::Database db(dir.file("db"), SQLITE_OPEN_READONLY);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM hits WHERE path = '/read-' || (ts / 3)"), 9);
  ASSERT_EQ(feed.held.size(), 1u);
  ASSERT_EQ(feed.held[0]->size(), 3u);
  for (const Hit& hit : *feed.held[0]) EXPECT_EQ(hit.path, "/read-0");
}

TEST(DrainLoop, StoresQueuedAlertsAndKeepsThemWhenTheStoreFails) {
  TempDir dir;
  TestRing ring(dir.file("ring"), 64);
  RingReader reader(dir.file("ring"));
  SqliteHistory real(dir.file("db"));
  FlakySink flaky(real, 1);
  CollectingFeed feed;
  DrainLoop drain(reader, flaky, feed, every_step({.first_retry_backoff = std::chrono::milliseconds(30)}));
  AlertHistoryQueue queue("node-a");
  drain.store_alerts_from(&queue);
  queue.alert({"busy", "live > 1", 2, true, 1000});
  queue.alert({"busy", "live > 1", 0, false, 2000});
  EXPECT_THROW(drain.step(), std::runtime_error);  // the store fails: kept
  SqliteHistoryReader stored(dir.file("db"));
  EXPECT_TRUE(stored.alerts(0, 10'000).empty());
  queue.alert({"quiet", "live < 1 for 10m", 0, true, 3000});
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  drain.step();
  const auto rows = stored.alerts(0, 10'000);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (AlertRow{"busy", "live > 1", 2, "firing", 1000, "node-a"}));
  EXPECT_EQ(rows[1].state, "cleared");
  EXPECT_EQ(rows[2].rule, "quiet");
  EXPECT_TRUE(queue.take().empty());
  EXPECT_EQ(queue.dropped(), 0u);
}

TEST(DrainLoop, NewRingGenerationStartsAtItsTail) {
  TempDir dir;
  {
    SqliteHistory history(dir.file("db"));
    history.commit({{}, {}, {41, 1000}});  // a position in an older ring
  }
  TestRing ring(dir.file("ring"), 64, 42);
  for (std::uint64_t i = 0; i < 5; ++i) ASSERT_TRUE(ring.push({.ts_ms = i}));
  RingReader reader(dir.file("ring"));
  SqliteHistory history(dir.file("db"));
  CollectingFeed feed;
  DrainLoop drain(reader, history, feed, every_step());
  drain_all(drain);
  EXPECT_EQ(row_count(dir.file("db")), 5);
  EXPECT_EQ(history.committed_position(), (RingPosition{42, 5}));
}

TEST(DrainLoop, TornSlotBlocksOnlyUntilTheTimeout) {
  Pipeline pipeline;
  auto& [dir, ring, reader, history, feed] = pipeline;
  DrainLoop drain(reader, history, feed, every_step({.torn_timeout = std::chrono::milliseconds(50)}));
  ASSERT_TRUE(ring.push({.ts_ms = 1}));
  ring.claim_only({.ts_ms = 2});  // its writer "dies"
  ASSERT_TRUE(ring.push({.ts_ms = 3}));
  drain_all(drain);
  EXPECT_EQ(feed.hits.size(), 1u);  // waits behind the claimed slot
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  drain_all(drain);
  ASSERT_EQ(feed.hits.size(), 2u);
  EXPECT_EQ(feed.hits[1].ts_ms, 3);
  EXPECT_EQ(reader.counters().torn, 1u);
  EXPECT_EQ(reader.tail(), 3u);
}

TEST(DrainLoop, StopDrainsWhatIsLeftBeforeReturning) {
  Pipeline pipeline;
  auto& [dir, ring, reader, history, feed] = pipeline;
  DrainLoop drain(reader, history, feed, every_step());
  for (std::uint64_t i = 0; i < 20; ++i) ASSERT_TRUE(ring.push({.ts_ms = i}));
  std::stop_source stop;
  stop.request_stop();
  drain.run(stop.get_token());
  EXPECT_EQ(row_count(dir.file("db")), 20);
}

TEST(DrainLoop, VisitsAreCommittedWhenTheyEnd) {
  Pipeline pipeline;
  auto& [dir, ring, reader, history, feed] = pipeline;
  DrainLoop drain(reader, history, feed, every_step({.active_window = std::chrono::milliseconds(60'000),
                                                       .leave_grace = std::chrono::milliseconds(0)}));
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const auto ts = static_cast<std::uint64_t>(now - 100);  // the leave's departure is due
  ASSERT_TRUE(ring.push({.ts_ms = ts, .visitor_byte = 1, .path = "/a"}));
  ASSERT_TRUE(ring.push({.ts_ms = ts + 1, .visitor_byte = 1, .path = "/b"}));
  ASSERT_TRUE(ring.push({.kind = ONLOOKER_KIND_LEAVE, .ts_ms = ts + 2, .visitor_byte = 1, .path = "/b"}));
  ASSERT_TRUE(ring.push({.ts_ms = ts, .visitor_byte = 2, .path = "/c"}));  // still open
  drain_all(drain);
  sqlite::Database db(dir.file("db"), SQLITE_OPEN_READONLY);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM visits"), 1);
  EXPECT_EQ(db.query_int("SELECT pages FROM visits"), 2);
  drain.close_open_visits();  // shutdown
  EXPECT_EQ(db.query_int("SELECT count(*) FROM visits"), 2);
}

// One client beating with many made-up ids (or User-Agents, which make the
// ids in hash mode) must not show up as many people, nor as visits.
TEST(DrainLoop, BeatsWithoutAPageViewAreCountedAndNeitherShownNorStored) {
  Pipeline pipeline;
  auto& [dir, ring, reader, history, feed] = pipeline;
  DrainLoop drain(reader, history, feed, every_step());
  const std::uint64_t ts = now_ms();
  ASSERT_TRUE(ring.push({.ts_ms = ts, .visitor_byte = 1, .path = "/a"}));
  ASSERT_TRUE(ring.push({.kind = ONLOOKER_KIND_BEAT, .ts_ms = ts + 1, .visitor_byte = 1}));
  for (std::uint8_t who = 2; who < 12; ++who) {
    ASSERT_TRUE(ring.push({.kind = ONLOOKER_KIND_BEAT, .ts_ms = ts, .visitor_byte = who}));
  }
  ASSERT_TRUE(ring.push({.kind = ONLOOKER_KIND_LEAVE, .ts_ms = ts, .visitor_byte = 20}));
  drain_all(drain);
  EXPECT_EQ(drain.stats().beats_orphaned, 11u);
  ASSERT_EQ(feed.hits.size(), 2u);
  EXPECT_EQ(row_count(dir.file("db")), 2);
  // Neither the address nor the User-Agent goes past the presence check.
  for (const Hit& hit : feed.hits) {
    EXPECT_EQ(hit.address.family, 0);
    EXPECT_EQ(hit.address.bytes, (std::array<std::uint8_t, 16>{}));
    EXPECT_TRUE(hit.user_agent.empty());
  }
  drain.close_open_visits();
  sqlite::Database db(dir.file("db"), SQLITE_OPEN_READONLY);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM visits"), 1);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM visits WHERE pages = 0"), 0);
}

TEST(DrainLoop, ViewsBeyondTheAddressBoundAreCountedAndDropped) {
  Pipeline pipeline;
  auto& [dir, ring, reader, history, feed] = pipeline;
  DrainLoop drain(reader, history, feed, every_step({.max_visitors_per_address = 4}));
  for (std::uint8_t who = 1; who <= 10; ++who) {
    ASSERT_TRUE(ring.push({.ts_ms = now_ms(), .visitor_byte = who}));
  }
  ASSERT_TRUE(ring.push({.ts_ms = now_ms(), .visitor_byte = 11, .address = {10, 0, 0, 1}}));
  drain_all(drain);
  EXPECT_EQ(drain.stats().visitors_refused, 6u);
  EXPECT_EQ(feed.hits.size(), 5u);
}

// A restart must not orphan everyone's beats: the live set and the open
// visits start from the last window of history, and the visits written at
// shutdown are not written twice.
TEST(DrainLoop, ARestartGoesOnFromTheLastWindowOfHistory) {
  Pipeline pipeline;
  auto& [dir, ring, reader, history, feed] = pipeline;
  const std::uint64_t ts = now_ms();
  {
    DrainLoop before(reader, history, feed, every_step());
    ASSERT_TRUE(ring.push({.ts_ms = ts - 400'000, .visitor_byte = 9, .path = "/old"}));
    ASSERT_TRUE(ring.push({.ts_ms = ts - 2'000, .visitor_byte = 1, .path = "/a"}));
    ASSERT_TRUE(ring.push({.ts_ms = ts - 1'000, .visitor_byte = 2, .path = "/b"}));
    drain_all(before);
    before.close_open_visits();
  }
  CollectingFeed after_feed;
  DrainLoop after(reader, history, after_feed, every_step());
  after.restore(read_recent_hits(dir.file("db"), static_cast<std::int64_t>(ts) - 300'000));
  ASSERT_EQ(after_feed.hits.size(), 2u);  // the live set's view of the window
  EXPECT_EQ(after_feed.hits[0].path, "/a");
  ASSERT_TRUE(ring.push({.kind = ONLOOKER_KIND_BEAT, .ts_ms = ts, .visitor_byte = 1, .path = "/a"}));
  ASSERT_TRUE(ring.push({.kind = ONLOOKER_KIND_BEAT, .ts_ms = ts, .visitor_byte = 9}));
  drain_all(after);
  EXPECT_EQ(after.stats().beats_orphaned, 1u);  // only the one from before the window
  ASSERT_EQ(after_feed.hits.size(), 3u);
  after.close_open_visits();
  sqlite::Database db(dir.file("db"), SQLITE_OPEN_READONLY);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM visits"), 3);  // as at shutdown
}

}  // namespace
}  // namespace onlooker
