// Many producers, one consumer: every record arrives exactly once and in
// its producer's order, or is counted as dropped. Producers are processes
// (as nginx workers are) and, for ThreadSanitizer, threads.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <iostream>
#include <map>
#include <thread>
#include <vector>

#include "record_decoder.h"
#include "ring_reader.h"
#include "support/temp_dir.h"
#include "support/test_ring.h"

namespace onlooker {
namespace {

using test::TempDir;
using test::TestRing;

constexpr int producers = 4;
constexpr std::uint64_t records_each = 200'000;

void produce(TestRing& ring, int producer) {
  for (std::uint64_t i = 0; i < records_each; ++i) {
    // A full ring drops (and counts); yielding then lets the consumer catch
    // up, so that most records go through and order is really exercised.
    if (!ring.push({.ts_ms = i, .visitor_byte = static_cast<std::uint8_t>(producer), .path = "/p"})) {
      std::this_thread::yield();
    }
  }
}

// Drains until `done()` and the ring is empty; checks order and uniqueness.
void consume_and_check(RingReader& reader, const std::function<bool()>& done) {
  std::map<int, std::int64_t> last_seen;  // producer -> last ts
  std::uint64_t received = 0;
  std::uint64_t pos = reader.tail();
  for (;;) {
    const std::uint64_t start = pos;
    while (reader.state(pos) == SlotState::ready) {
      const auto hit = decode_record(reader.record(pos), reader.generation(), pos);
      ASSERT_TRUE(hit.has_value()) << "corrupt record at " << pos;
      const int producer = hit->visitor[0];
      auto [it, fresh] = last_seen.emplace(producer, hit->ts_ms);
      if (!fresh) {
        ASSERT_GT(hit->ts_ms, it->second) << "producer " << producer << " out of order or twice";
        it->second = hit->ts_ms;
      }
      ++received;
      ++pos;
    }
    if (pos != start) reader.free_until(pos);
    if (pos == start) {
      if (done() && reader.head() == pos) break;
      std::this_thread::yield();
    }
  }
  const auto counters = reader.counters();
  EXPECT_EQ(counters.torn, 0u);
  EXPECT_EQ(received + counters.dropped, producers * records_each)
      << "received " << received << ", dropped " << counters.dropped;
  EXPECT_EQ(counters.written, received);
  // Most records must get through, or order was barely tested.
  EXPECT_GT(received, producers * records_each / 4);
  std::cout << "received " << received << ", dropped " << counters.dropped << "\n";
}

TEST(RingStress, ProducerProcessesDeliverEachRecordOnceInOrderOrCountDrops) {
  TempDir dir;
  TestRing ring(dir.file("ring"), 1024);
  RingReader reader(dir.file("ring"));
  std::vector<pid_t> children;
  for (int p = 1; p <= producers; ++p) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {  // the mapping is shared with the parent
      produce(ring, p);
      ::_exit(0);
    }
    children.push_back(pid);
  }
  int running = producers;
  consume_and_check(reader, [&] {
    int status = 0;
    while (running > 0 && ::waitpid(-1, &status, WNOHANG) > 0) --running;
    return running == 0;
  });
}

TEST(RingStress, ProducerThreadsDeliverEachRecordOnceInOrderOrCountDrops) {
  TempDir dir;
  TestRing ring(dir.file("ring"), 1024);
  RingReader reader(dir.file("ring"));
  std::atomic<int> finished{0};
  std::vector<std::thread> threads;
  for (int p = 1; p <= producers; ++p) {
    threads.emplace_back([&ring, &finished, p] {
      produce(ring, p);
      finished.fetch_add(1);
    });
  }
  consume_and_check(reader, [&] { return finished.load() == producers; });
  for (auto& thread : threads) thread.join();
}

}  // namespace
}  // namespace onlooker
