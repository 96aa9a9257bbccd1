// The live view across nodes, through one Redis stream (onlooker:live):
// every drain batch of this node is XADDed as one entry (trimmed by MINID to
// the active window), and every entry of the other nodes is XREAD back and
// handed to the live hub. The batch's error records (no hits) travel as a
// count in the same entry, for the other nodes' alert counts. A heartbeat entry each second tells the others
// this node is there while it has no traffic. The link also agrees each UTC
// day's visitor key with the other nodes (cluster_day_key.h).
//
// Two threads, each with its own blocking hiredis connection (the writer
// waits on a queue, the reader in XREAD BLOCK): nothing here runs on the I/O
// thread. Redis down: both retry with backoff; local hits go on reaching the
// local live view (publish() forwards them first) and are not queued for
// Redis beyond a bound.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hit_feed.h"
#include "onlooker_ring.h"
#include "redis_url.h"

namespace onlooker {

class RedisConnection;

struct ClusterSettings {
  RedisUrl url;
  std::string node;
  std::chrono::milliseconds active_window{300'000};
  std::string stream = "onlooker:live";
};

// Where the link delivers what it hears (from its reader thread).
struct ClusterSink {
  // Hits of another node (possibly none: a heartbeat), stamped with this
  // node's arrival time (see DESIGN: order per visitor is arrival order).
  std::function<void(std::string node, std::shared_ptr<const std::vector<Hit>> hits)> remote;
  std::function<void(bool up)> link_state;
  // Another node's error records: `count` of them, the newest at ts_ms on
  // this node's clock. May be empty.
  std::function<void(std::int64_t ts_ms, std::uint64_t count)> remote_errors;
};

class ClusterLink final : public HitFeed {
 public:
  // `local` gets every local batch first; `ring` (may be null) receives the
  // agreed day keys.
  ClusterLink(ClusterSettings settings, HitFeed& local, ClusterSink sink,
              onlooker_ring_header* ring);
  ~ClusterLink() override;

  void start();
  void stop();
  // Drain thread.
  void publish(std::shared_ptr<const std::vector<Hit>> hits) override;
  // Drain thread: sent with the next entry (or one of their own).
  void publish_errors(ErrorRecords errors) override;
  bool up() const { return reader_up_.load() && writer_up_.load(); }

 private:
  void write_loop(std::stop_token stop);
  void read_loop(std::stop_token stop);
  bool agree_day_keys(RedisConnection& redis);
  void set_state();
  void backoff(std::stop_token stop, std::chrono::milliseconds& delay);

  ClusterSettings settings_;
  HitFeed& local_;
  ClusterSink sink_;
  onlooker_ring_header* ring_;

  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::deque<std::shared_ptr<const std::vector<Hit>>> outgoing_;
  ErrorRecords errors_out_;  // not sent yet

  std::atomic<bool> reader_up_{false};
  std::atomic<bool> writer_up_{false};
  std::atomic<int> reported_{-1};  // last state told to the sink
  std::jthread writer_;
  std::jthread reader_;
};

}  // namespace onlooker
