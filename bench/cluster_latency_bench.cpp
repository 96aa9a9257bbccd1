// Cluster latency (issue 17, "a hit on node A reaches a dashboard on node C
// within the push interval + 100 ms at p99 at 10,000 hits/s across 3
// nodes"): one real redis-server and three real onlookerd (web-a, web-b,
// web-c) on 127.0.0.1, each draining its own ring. This process writes the
// records straight into the three rings with the producer calls the nginx
// module uses (tests/support/test_ring), RATE a second in all, spread evenly,
// and reads node C's WebSocket.
//
// 20 records a second on A are probes (a new visitor on a unique path), and
// so are 20 a second on C: C's own probes are the baseline in the same run
// (ring -> drain -> live set -> push, no Redis), A's add the cluster link
// (XADD, XREAD, decode). Each probe's latency runs from its ring publish to
// the first of C's frames whose "visitors" show it. The other traffic comes
// from 10 visitors per node, so that every probe is still among the 100
// most recently seen visitors a snapshot lists when the next push comes.
//
// At a 10 ms push interval the coalescing wait no longer hides the link.
//
//   onlooker_cluster_latency_bench [RATE [SECONDS [PUSH_INTERVAL_MS...]]]
//   default: 10000 10 10 100 1000
#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "clock.h"
#include "support/http_client.h"
#include "support/process.h"
#include "support/redis_server.h"
#include "support/stack.h"
#include "support/temp_dir.h"
#include "support/test_ring.h"

namespace {

using namespace std::chrono_literals;
using namespace onlooker;
using Clock = std::chrono::steady_clock;

constexpr int regulars_per_node = 10;
constexpr int probes_per_second = 20;  // per probing node
const char* const browser =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
    "Safari/537.36";

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<std::size_t>(p * values.size()))];
}

struct Node {
  std::string name;
  test::TempDir dir;
  std::unique_ptr<test::TestRing> ring;
  unsigned short api_port = test::free_port();
  std::unique_ptr<test::Process> onlookerd;

  Node(const std::string& node_name, const std::string& redis_url, int push_interval_ms)
      : name(node_name) {
    // 64k slots: 20 s of this node's share at 10,000/s, if a drain stalls.
    ring = std::make_unique<test::TestRing>(dir.file("ring"), 65536);
    onlookerd = std::make_unique<test::Process>(
        std::vector<std::string>{test::onlookerd_path(), "--ring", dir.file("ring"), "--db",
                                 dir.file("history.db"), "--listen",
                                 "127.0.0.1:" + std::to_string(api_port), "--cluster", redis_url,
                                 "--node", name, "--push-interval",
                                 std::to_string(push_interval_ms)},
        dir.file("onlookerd.log"));
  }
  bool link_up() const {
    try {
      const auto live = nlohmann::json::parse(test::http_get(api_port, "/api/live").body);
      return live.at("cluster").at("link") == "up";
    } catch (const std::exception&) {
      return false;  // not listening yet
    }
  }
};

// A probe: its ring publish time, by path.
struct Probes {
  std::mutex lock;
  std::map<std::string, Clock::time_point> published;
};

struct Cell {
  std::vector<double> remote_ms, local_ms;
  std::size_t remote_sent = 0, local_sent = 0;
  double achieved_rate = 0;
};

// Writes `rate` records a second for `seconds` into the three rings, one
// millisecond's share at a time; probes on A ("/probe-a/N") and C ("/probe-c/N").
void write_load(std::vector<std::unique_ptr<Node>>& nodes, int rate, int seconds, Probes& probes,
                Cell& cell) {
  const int probe_every = std::max(1, rate / static_cast<int>(nodes.size()) / probes_per_second);
  std::vector<long> written(nodes.size(), 0);
  std::uint32_t next_probe_visitor = 1'000'000;
  const auto start = Clock::now();
  long total = 0;
  for (long tick = 0; Clock::now() - start < std::chrono::seconds(seconds); ++tick) {
    std::this_thread::sleep_until(start + std::chrono::milliseconds(tick));
    const long due = (tick + 1) * rate / 1000;
    for (; total < due; ++total) {
      const std::size_t n = static_cast<std::size_t>(total) % nodes.size();
      const long index = written[n]++;
      test::TestRecord record;
      record.ts_ms = unix_now_ms();
      record.host = "www.example.com";
      record.user_agent = browser;
      const bool probing_node = n == 0 || n == nodes.size() - 1;
      const bool probe = probing_node && index % probe_every == 0;
      if (probe) {
        const std::uint32_t visitor = next_probe_visitor++;
        record.visitor_number = visitor;
        record.address = {10, 77, static_cast<std::uint8_t>(visitor >> 8),
                          static_cast<std::uint8_t>(visitor)};
        record.path = std::string(n == 0 ? "/probe-a/" : "/probe-c/") + std::to_string(visitor);
      } else {
        const auto regular = static_cast<std::uint32_t>(n * 100 + index % regulars_per_node + 1);
        record.visitor_number = regular;
        record.address = {10, 66, static_cast<std::uint8_t>(n), static_cast<std::uint8_t>(regular)};
        record.path = "/page-" + std::to_string(index % 7) + ".html";
      }
      if (!nodes[n]->ring->push(record)) {
        std::fprintf(stderr, "ring of %s full\n", nodes[n]->name.c_str());
        continue;
      }
      if (probe) {
        std::lock_guard guard(probes.lock);
        probes.published[record.path] = Clock::now();
        ++(n == 0 ? cell.remote_sent : cell.local_sent);
      }
    }
  }
  cell.achieved_rate = total / std::chrono::duration<double>(Clock::now() - start).count();
}

// Node C's dashboard: notes when each probe first shows in a frame.
void read_frames(unsigned short api_port, const std::atomic<bool>& done, Probes& probes,
                 Cell& cell) {
  test::WebSocketClient dashboard(api_port, "/ws");
  std::map<std::string, bool> seen;
  while (!done) {
    const auto message = dashboard.read(3s);
    const auto now = Clock::now();
    if (!message) break;
    const auto snapshot = nlohmann::json::parse(*message);
    if (!snapshot.contains("visitors")) continue;
    std::lock_guard guard(probes.lock);
    for (const auto& visitor : snapshot["visitors"]) {
      const std::string path = visitor["path"];
      const auto it = probes.published.find(path);
      if (it == probes.published.end() || seen[path]) continue;
      seen[path] = true;
      const double ms = std::chrono::duration<double, std::milli>(now - it->second).count();
      (path.rfind("/probe-a/", 0) == 0 ? cell.remote_ms : cell.local_ms).push_back(ms);
    }
  }
}

Cell run_cell(int rate, int seconds, int push_interval_ms) {
  test::RedisServer redis;
  std::vector<std::unique_ptr<Node>> nodes;
  for (const char* name : {"web-a", "web-b", "web-c"}) {
    nodes.push_back(std::make_unique<Node>(name, redis.url(), push_interval_ms));
  }
  for (auto& node : nodes) {
    if (!test::eventually([&] { return node->link_up(); }, 15s)) {
      throw std::runtime_error(node->name + " did not join the cluster: " +
                               test::read_file(node->dir.file("onlookerd.log")));
    }
  }
  Probes probes;
  Cell cell;
  std::atomic<bool> done{false};
  std::string reader_failure;
  std::thread reader([&] {
    try {
      read_frames(nodes.back()->api_port, done, probes, cell);
    } catch (const std::exception& failure) {
      // Once the load is over, frames stop (nothing changes): a read that
      // times out then is the end, not a failure.
      if (!done) reader_failure = failure.what();
    }
  });
  std::this_thread::sleep_for(500ms);  // the first snapshot
  write_load(nodes, rate, seconds, probes, cell);
  // The last probes' frames: at most a push interval and the link's delay.
  std::this_thread::sleep_for(std::chrono::milliseconds(push_interval_ms) * 2 + 1s);
  done = true;
  reader.join();
  if (!reader_failure.empty()) {
    throw std::runtime_error("node C's WebSocket: " + reader_failure + "; its log:\n" +
                             test::read_file(nodes.back()->dir.file("onlookerd.log")));
  }
  for (auto& node : nodes) node->onlookerd->stop(SIGTERM);
  return cell;
}

}  // namespace

int main(int argc, char** argv) {
  const int rate = argc > 1 ? std::stoi(argv[1]) : 10000;
  const int seconds = argc > 2 ? std::stoi(argv[2]) : 10;
  std::vector<int> intervals;
  for (int i = 3; i < argc; ++i) intervals.push_back(std::stoi(argv[i]));
  if (intervals.empty()) intervals = {10, 100, 1000};
  try {
    for (const int push : intervals) {
      const Cell cell = run_cell(rate, seconds, push);
      std::printf(
          "push-interval %d ms, %d hits/s over 3 nodes (achieved %.0f/s), %d s:\n"
          "  A -> C (cluster): probes %zu seen %zu; p50 %.1f ms p99 %.1f ms max %.1f ms; "
          "target p99 %d ms: %s\n"
          "  C -> C (local):   probes %zu seen %zu; p50 %.1f ms p99 %.1f ms max %.1f ms\n",
          push, rate, cell.achieved_rate, seconds, cell.remote_sent, cell.remote_ms.size(),
          percentile(cell.remote_ms, 0.5), percentile(cell.remote_ms, 0.99),
          percentile(cell.remote_ms, 1.0), push + 100,
          percentile(cell.remote_ms, 0.99) <= push + 100 &&
                  cell.remote_ms.size() == cell.remote_sent
              ? "met"
              : "MISSED",
          cell.local_sent, cell.local_ms.size(), percentile(cell.local_ms, 0.5),
          percentile(cell.local_ms, 0.99), percentile(cell.local_ms, 1.0));
      std::fflush(stdout);
    }
    return 0;
  } catch (const std::exception& failure) {
    std::fprintf(stderr, "onlooker_cluster_latency_bench: %s\n", failure.what());
    return 1;
  }
}
