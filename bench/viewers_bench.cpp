// What $onlooker_viewers costs a request: one onlooker_viewers_lookup on a
// published table (SipHash-1-3 of host and path, a few probes), against the
// same request's work without it. Tables of 1 000 and 100 000 pages, read
// round-robin (every read a different page: for 100 000 the table is far
// beyond the caches); paths of 12 and 120 bytes.
// In nginx the request's path has just been parsed: it is in the cache when
// the variable is read. So each iteration, with and without the lookup,
// first copies the next page's path into one buffer (the same memory every
// time, as a request's is): the bench's own miss on 100 000 paths is in
// both and leaves the difference, the lookup with its miss on the table.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "onlooker_viewers.h"
#include "support/temp_dir.h"
#include "viewers_table.h"

namespace {

using namespace onlooker;

struct Published {
  test::TempDir dir;
  std::size_t bytes = 0;
  const onlooker_viewers_header* header = nullptr;
  std::unique_ptr<ViewersTable> table;
  std::vector<std::string> paths;
  std::int64_t now_ms = 1'700'000'000'000;

  Published(int pages, std::size_t path_len) {
    // sized as an operator would: a table at most a quarter full
    const std::uint32_t slots =
        onlooker_viewers_slots_for(onlooker_viewers_bytes(std::uint64_t(pages) * 4 * 2) - 1);
    const std::string path = dir.file("viewers");
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT, 0600);
    onlooker_viewers_header init{};
    onlooker_viewers_init(&init, slots);
    bytes = onlooker_viewers_bytes(slots);
    if (::ftruncate(fd, static_cast<off_t>(bytes)) != 0 ||
        ::pwrite(fd, &init, sizeof init, 0) != static_cast<ssize_t>(sizeof init)) {
      std::abort();
    }
    header = static_cast<const onlooker_viewers_header*>(
        ::mmap(nullptr, bytes, PROT_READ, MAP_SHARED, fd, 0));
    ::close(fd);
    table = std::make_unique<ViewersTable>(path, std::chrono::milliseconds(60000));
    std::vector<PageCount> counts;
    for (int i = 0; i < pages; ++i) {
      std::string p = "/articles/" + std::to_string(i);
      p.resize(std::max(p.size(), path_len), 'x');
      paths.push_back(p);
      counts.push_back({"www.example.com", p, std::uint64_t(i % 50 + 1)});
    }
    table->publish(counts, now_ms);
  }
  ~Published() { ::munmap(const_cast<onlooker_viewers_header*>(header), bytes); }
};

// The next page's path, copied where a request's path would be (hot).
struct RequestPath {
  char text[ONLOOKER_PATH_MAX];
  std::size_t len = 0;
  void take(const std::string& path) {
    len = path.size();
    std::memcpy(text, path.data(), len);
    benchmark::DoNotOptimize(text);
  }
};

void BM_WithoutVariable(benchmark::State& state) {
  Published table(static_cast<int>(state.range(0)), static_cast<std::size_t>(state.range(1)));
  RequestPath request;
  std::size_t i = 0;
  for (auto _ : state) {
    request.take(table.paths[i++ % table.paths.size()]);
    benchmark::ClobberMemory();
  }
}

void BM_ViewersLookup(benchmark::State& state) {
  Published table(static_cast<int>(state.range(0)), static_cast<std::size_t>(state.range(1)));
  const std::string host = "www.example.com";
  RequestPath request;
  std::size_t i = 0;
  for (auto _ : state) {
    request.take(table.paths[i++ % table.paths.size()]);
    benchmark::DoNotOptimize(onlooker_viewers_lookup(table.header, table.now_ms, host.data(),
                                                     host.size(), request.text, request.len));
  }
}

void BM_SiteViewersLookup(benchmark::State& state) {
  Published table(static_cast<int>(state.range(0)), static_cast<std::size_t>(state.range(1)));
  const std::string host = "www.example.com";
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        onlooker_viewers_lookup(table.header, table.now_ms, host.data(), host.size(), nullptr, 0));
  }
}

#define SIZES ->Args({1000, 12})->Args({1000, 120})->Args({100000, 12})->Args({100000, 120})
BENCHMARK(BM_WithoutVariable) SIZES;
BENCHMARK(BM_ViewersLookup) SIZES;
BENCHMARK(BM_SiteViewersLookup)->Args({1000, 12});

}  // namespace

BENCHMARK_MAIN();
