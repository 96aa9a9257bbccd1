// The drain loop and a history store that is down: at start it waits for
// the store before reading the ring (where reading starts is the store's
// committed position), and it tells the live view when the store stops and
// starts answering, so that the dashboard and /metrics can say so.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "drain_loop.h"
#include "sqlite_history.h"
#include "support/flaky_sink.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/test_ring.h"

namespace onlooker {
namespace {

using namespace std::chrono_literals;

struct CountingFeed final : HitFeed {
  std::size_t hits = 0;
  void publish(std::shared_ptr<const std::vector<Hit>> batch) override { hits += batch->size(); }
};

struct DownStore {
  test::TempDir dir;
  test::TestRing ring{dir.file("ring"), 64};
  RingReader reader{dir.file("ring")};
  SqliteHistory real{dir.file("db")};
  CountingFeed feed;
  std::vector<bool> states;  // what the drain loop told, in order
  DrainSettings settings() {
    return {.commit_interval = 0ms,
            .first_retry_backoff = 10ms,
            .first_connect_backoff = 10ms,
            .max_connect_backoff = 20ms,
            .history_label = "test",
            .history_state = [this](bool up) { states.push_back(up); }};
  }
};

TEST(DrainLoopStoreState, RunWaitsForAStoreThatDoesNotAnswerThenDrainsFromItsPosition) {
  DownStore store;
  test::FlakySink sink(store.real, 0, 3);  // three refusals, then it answers
  DrainLoop drain(store.reader, sink, store.feed, store.settings());
  for (std::uint64_t i = 0; i < 10; ++i) ASSERT_TRUE(store.ring.push({.ts_ms = i}));
  std::stop_source stop;
  std::jthread runner([&] { drain.run(stop.get_token()); });
  ASSERT_TRUE(test::eventually([&] { return store.reader.tail() == 10; }, 5s));
  stop.request_stop();
  runner.join();
  EXPECT_EQ(sink.unreachable, -1) << "asked three times in vain, then once more";
  EXPECT_EQ(store.feed.hits, 10u);
  EXPECT_EQ(store.states, (std::vector<bool>{false, true}));
}

TEST(DrainLoopStoreState, AStopRequestEndsTheWaitAtOnceAndReadsNothing) {
  DownStore store;
  test::FlakySink sink(store.real, 0, 1'000'000);
  DrainSettings settings = store.settings();
  settings.first_connect_backoff = settings.max_connect_backoff = 60s;
  DrainLoop drain(store.reader, sink, store.feed, settings);
  ASSERT_TRUE(store.ring.push({.ts_ms = 1}));
  std::stop_source stop;
  const auto started = std::chrono::steady_clock::now();
  std::jthread runner([&] { drain.run(stop.get_token()); });
  std::this_thread::sleep_for(50ms);
  stop.request_stop();
  runner.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_EQ(store.feed.hits, 0u);
  EXPECT_EQ(store.reader.tail(), 0u);
  EXPECT_EQ(store.states, (std::vector<bool>{false}));
}

TEST(DrainLoopStoreState, FailingCommitsSayDownAndTheNextCommitSaysUp) {
  DownStore store;
  test::FlakySink sink(store.real, 2);
  DrainLoop drain(store.reader, sink, store.feed, store.settings());
  ASSERT_TRUE(store.ring.push({.ts_ms = 1}));
  EXPECT_THROW(drain.step(), std::runtime_error);
  EXPECT_EQ(store.states, (std::vector<bool>{false}));
  std::this_thread::sleep_for(15ms);
  EXPECT_THROW(drain.step(), std::runtime_error);
  EXPECT_EQ(store.states, (std::vector<bool>{false})) << "told once per change";
  std::this_thread::sleep_for(30ms);
  EXPECT_GT(drain.step(), 0u);
  EXPECT_EQ(store.states, (std::vector<bool>{false, true}));
}

}  // namespace
}  // namespace onlooker
