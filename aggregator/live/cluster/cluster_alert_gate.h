// With --cluster every node evaluates the same rules over the same
// cluster-wide counts and live set, so every node sees the same alerts fire
// and clear; one node, the holder of a lease in Redis, posts them to the
// webhooks. The gate stands between a node's evaluator and its
// AlertDelivery:
//
// - Lease: key onlooker:alerts:lease = node name, taken with SET NX PX and
//   renewed by its holder every second (a script: renewed only if it is
//   still this node's). A holder that stops gives it back; one that dies
//   loses it after `lease` (5 s).
// - Each change is forwarded by a script that checks the lease and records
//   the rule's state in the hash onlooker:alerts:delivered (rule -> firing |
//   cleared) in one step: only the holder forwards, and the hash says what
//   the webhooks last heard.
// - A node that takes the lease over forwards, once, each rule whose latest
//   change it saw differs from that hash: a change the old holder died
//   before posting arrives late instead of never, and one it did post is
//   not posted again.
// - Redis unreachable: this node forwards its own changes (each node may
//   then post the same alert: twice is better than never).
//
// A thread and a blocking hiredis connection of its own: alert() only
// queues (it is called on the I/O thread).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "alert_notice.h"
#include "redis_url.h"

namespace onlooker {

class Metrics;
class RedisConnection;

struct AlertGateSettings {
  RedisUrl url;
  std::string node;
  std::chrono::milliseconds lease{5000};
  std::chrono::milliseconds renew_every{1000};
  std::string key_prefix = "onlooker:alerts:";
};

class ClusterAlertGate final : public AlertSink {
 public:
  // `deliver` (the webhooks) gets the changes this node is to post.
  ClusterAlertGate(AlertGateSettings settings, AlertSink& deliver);
  ~ClusterAlertGate() override;
  ClusterAlertGate(const ClusterAlertGate&) = delete;
  ClusterAlertGate& operator=(const ClusterAlertGate&) = delete;

  void start();
  // Forwards what is queued, gives the lease back if held, stops the thread.
  void stop();
  // Any thread; never blocks on Redis.
  void alert(const AlertNotice& notice) override;

  bool holds_lease() const { return holds_lease_.load(); }
  // Changes left to the lease holder (not forwarded here).
  std::uint64_t left_to_holder() const { return left_to_holder_.load(); }
  // Changes forwarded while Redis could not be reached.
  std::uint64_t forwarded_without_redis() const { return without_redis_.load(); }
  void add_metrics(Metrics& metrics);

 private:
  void run(std::stop_token stop);
  // Takes or renews the lease; false when Redis did not answer.
  bool renew(RedisConnection& redis);
  // Forwards the rules whose latest change differs from what was delivered.
  bool catch_up(RedisConnection& redis);
  // Returns false when Redis did not answer (the notice is then forwarded).
  bool forward_if_holder(RedisConnection& redis, const AlertNotice& notice);
  void release(RedisConnection& redis);

  AlertGateSettings settings_;
  AlertSink& deliver_;
  std::string lease_key_;
  std::string delivered_key_;

  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::deque<AlertNotice> queued_;

  // The latest change of each rule this node saw (its evaluator's state);
  // gate thread only.
  std::map<std::string, AlertNotice> latest_;
  std::atomic<bool> holds_lease_{false};
  std::atomic<std::uint64_t> left_to_holder_{0};
  std::atomic<std::uint64_t> without_redis_{0};
  std::jthread thread_;
};

}  // namespace onlooker
