// The ring's cost, as the issue asks: ns per write with 1 and 2 producers
// (a consumer thread frees slots meanwhile, as onlookerd does), drain rate,
// and the peer a user would otherwise pay: write(2) of the same bytes to a
// log file.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <thread>

#include "record_decoder.h"
#include "ring_reader.h"
#include "support/temp_dir.h"
#include "support/test_ring.h"

namespace {

using onlooker::RingReader;
using onlooker::SlotState;
using onlooker::test::TempDir;
using onlooker::test::TestRecord;
using onlooker::test::TestRing;

const TestRecord& realistic_record() {
  static const TestRecord record{
      .kind = ONLOOKER_KIND_VIEW,
      .status = 200,
      .ts_ms = 1795530356964,
      .visitor_byte = 3,
      .host = "www.example.com",
      .path = "/blog/2026/11/how-we-count-visitors.html",
      .referrer = "www.google.com/",
      .user_agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
                    "like Gecko) Chrome/131.0.0.0 Safari/537.36"};
  return record;
}

// One ring and one consumer thread shared by the benchmark's threads.
struct Shared {
  TempDir dir;
  std::unique_ptr<TestRing> ring;
  std::unique_ptr<RingReader> reader;
  std::atomic<bool> consuming{false};
  std::thread consumer;

  void start() {
    ring = std::make_unique<TestRing>(dir.file("ring"), 65536);
    reader = std::make_unique<RingReader>(dir.file("ring"));
    consuming = true;
    consumer = std::thread([this] {
      std::uint64_t pos = reader->tail();
      while (consuming.load(std::memory_order_relaxed)) {
        const std::uint64_t from = pos;
        while (reader->state(pos) == SlotState::ready && pos - from < 4096) ++pos;
        if (pos != from) reader->free_until(pos);
      }
    });
  }
  void stop() {
    consuming = false;
    consumer.join();
    reader.reset();  // before the next repetition maps a new ring
    ring.reset();
  }
};

Shared shared;

void BM_RingWrite(benchmark::State& state) {
  if (state.thread_index() == 0) shared.start();
  const TestRecord& record = realistic_record();
  for (auto _ : state) {
    benchmark::DoNotOptimize(shared.ring->push(record));
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    state.counters["dropped_share"] = static_cast<double>(shared.reader->counters().dropped) /
                                      static_cast<double>(state.iterations() * state.threads());
    shared.stop();
  }
}
BENCHMARK(BM_RingWrite)->Threads(1)->Threads(2)->UseRealTime();

// One producer, the ring never full: the cost of a write that goes in
// (claim, fill, publish). Slots are freed outside the timed region.
void BM_RingWriteUncontended(benchmark::State& state) {
  TempDir dir;
  const auto capacity = static_cast<std::uint64_t>(state.range(0));
  TestRing ring(dir.file("ring"), capacity);
  RingReader reader(dir.file("ring"));
  const TestRecord& record = realistic_record();
  std::uint64_t written = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ring.push(record));
    if (++written % capacity == 0) {
      state.PauseTiming();
      reader.free_until(reader.head());
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["dropped"] = static_cast<double>(reader.counters().dropped);
}
// 16384 slots is the default size=16m (16 MiB: fits this machine's L3);
// 65536 slots (64 MiB) does not, and every slot is then a cold write.
BENCHMARK(BM_RingWriteUncontended)->Arg(16384)->Arg(65536);

// The same bytes a record carries, appended with write(2) to a file.
void BM_WriteSyscallPeer(benchmark::State& state) {
  TempDir dir;
  const int fd = ::open(dir.file("access.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  const TestRecord& record = realistic_record();
  const std::size_t bytes = ONLOOKER_RECORD_FIXED_SIZE + record.host.size() + record.path.size() +
                            record.referrer.size() + record.user_agent.size();
  const std::string line(bytes, 'x');
  for (auto _ : state) {
    benchmark::DoNotOptimize(::write(fd, line.data(), line.size()));
  }
  state.SetItemsProcessed(state.iterations());
  ::close(fd);
}
BENCHMARK(BM_WriteSyscallPeer);

// Consumer: decode every record into a Hit and free the slots, in batches.
void BM_Drain(benchmark::State& state) {
  TempDir dir;
  TestRing ring(dir.file("ring"), 65536);
  RingReader reader(dir.file("ring"));
  const TestRecord& record = realistic_record();
  std::uint64_t drained = 0;
  for (auto _ : state) {
    state.PauseTiming();
    while (ring.push(record)) {
    }
    state.ResumeTiming();
    std::uint64_t pos = reader.tail();
    while (reader.state(pos) == SlotState::ready) {
      auto hit = onlooker::decode_record(reader.record(pos), reader.generation(), pos);
      benchmark::DoNotOptimize(hit);
      ++pos;
    }
    reader.free_until(pos);
    drained += 65536;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(drained));
}
BENCHMARK(BM_Drain)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
