#include "cluster_alert_gate.h"

#include <hiredis/hiredis.h>

#include <memory>

#include "log.h"
#include "metrics.h"
#include "redis_connection.h"

namespace onlooker {

namespace {

constexpr auto connect_timeout = std::chrono::milliseconds(1000);

// KEYS[1] lease, ARGV[1] node, ARGV[2] lease ms: renewed if ours, taken if
// free; 1 when this node holds it.
constexpr const char* renew_script = R"(
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1)";

// KEYS[1] lease, KEYS[2] delivered, ARGV[1] node, ARGV[2] rule, ARGV[3]
// state: recorded (and 1) only while this node holds the lease.
constexpr const char* record_script = R"(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1)";

constexpr const char* release_script = R"(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0)";

const char* state_name(const AlertNotice& notice) { return notice.firing ? "firing" : "cleared"; }

// 1 or 0 from a script; -1 when Redis did not answer or refused.
long long script_result(const RedisReplyPtr& reply) {
  if (!reply || reply->type != REDIS_REPLY_INTEGER) return -1;
  return reply->integer;
}

}  // namespace

ClusterAlertGate::ClusterAlertGate(AlertGateSettings settings, AlertSink& deliver)
    : settings_(std::move(settings)),
      deliver_(deliver),
      lease_key_(settings_.key_prefix + "lease"),
      delivered_key_(settings_.key_prefix + "delivered") {}

ClusterAlertGate::~ClusterAlertGate() { stop(); }

void ClusterAlertGate::start() {
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

void ClusterAlertGate::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  wake_.notify_all();
  thread_.join();
}

void ClusterAlertGate::alert(const AlertNotice& notice) {
  {
    std::lock_guard lock(mutex_);
    queued_.push_back(notice);
  }
  wake_.notify_one();
}

bool ClusterAlertGate::renew(RedisConnection& redis) {
  const long long held = script_result(redis.command(
      {"EVAL", renew_script, "1", lease_key_, settings_.node, std::to_string(settings_.lease.count())}));
  if (held < 0) return false;
  const bool was = holds_lease_.exchange(held == 1);
  if (held == 1 && !was) {
    log::info("msg=\"this node posts the cluster's alerts (it holds the alert lease)\" node=" +
              settings_.node);
    return catch_up(redis);
  }
  if (held == 0 && was) {
    log::info("msg=\"another node holds the alert lease and posts the cluster's alerts\" node=" +
              settings_.node);
  }
  return true;
}

bool ClusterAlertGate::catch_up(RedisConnection& redis) {
  auto reply = redis.command({"HGETALL", delivered_key_});
  if (!reply || reply->type != REDIS_REPLY_ARRAY) return false;
  std::map<std::string, std::string, std::less<>> delivered;
  for (std::size_t i = 0; i + 1 < reply->elements; i += 2) {
    const redisReply* rule = reply->element[i];
    const redisReply* state = reply->element[i + 1];
    if (rule->type != REDIS_REPLY_STRING || state->type != REDIS_REPLY_STRING) continue;
    delivered.emplace(std::string(rule->str, rule->len), std::string(state->str, state->len));
  }
  for (const auto& [rule, notice] : latest_) {
    const auto it = delivered.find(rule);
    // A rule the webhooks never heard of is cleared to them.
    // A copy, not a view: a view of `?:` between "cleared" and the string
    // would be of a temporary std::string (ASan: stack-use-after-scope).
    const std::string heard = it == delivered.end() ? std::string("cleared") : it->second;
    if (heard == state_name(notice)) continue;
    log::info("msg=\"posting an alert change the previous lease holder did not\" rule=\"" + rule +
              "\" state=" + state_name(notice));
    if (!forward_if_holder(redis, notice)) return false;
  }
  return true;
}

bool ClusterAlertGate::forward_if_holder(RedisConnection& redis, const AlertNotice& notice) {
  const long long recorded = script_result(redis.command(
      {"EVAL", record_script, "2", lease_key_, delivered_key_, settings_.node, notice.rule,
       state_name(notice)}));
  if (recorded < 0) return false;
  holds_lease_ = recorded == 1;
  if (recorded == 1) {
    deliver_.alert(notice);
  } else {
    left_to_holder_.fetch_add(1);
  }
  return true;
}

void ClusterAlertGate::release(RedisConnection& redis) {
  if (script_result(redis.command({"EVAL", release_script, "1", lease_key_, settings_.node})) == 1) {
    log::info("msg=\"gave the alert lease back\" node=" + settings_.node);
  }
  holds_lease_ = false;
}

void ClusterAlertGate::run(std::stop_token stop) {
  std::unique_ptr<RedisConnection> redis;
  std::string last_error;
  auto next_renew = std::chrono::steady_clock::now();
  for (;;) {
    std::deque<AlertNotice> notices;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, stop, next_renew, [this] { return !queued_.empty(); });
      notices.swap(queued_);
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= next_renew || (redis && !redis->ok())) {
      if (!redis || !redis->ok()) {
        redis = std::make_unique<RedisConnection>(settings_.url, connect_timeout);
        if (!redis->ok() && redis->error() != last_error) {
          last_error = redis->error();
          log::warn("msg=\"alert lease: cannot reach the cluster's Redis; this node posts its "
                    "own alerts meanwhile\" error=\"" + last_error + "\"");
        }
      }
      if (redis->ok() && renew(*redis)) last_error.clear();
      next_renew = now + settings_.renew_every;
    }
    for (const AlertNotice& notice : notices) {
      latest_[notice.rule] = notice;
      if (redis && redis->ok() && forward_if_holder(*redis, notice)) continue;
      holds_lease_ = false;
      without_redis_.fetch_add(1);
      deliver_.alert(notice);
    }
    if (stop.stop_requested()) {
      if (redis && redis->ok() && holds_lease_) release(*redis);
      return;
    }
  }
}

void ClusterAlertGate::add_metrics(Metrics& metrics) {
  using Type = Metrics::Type;
  metrics.add("onlooker_alert_lease_held", Type::gauge,
              "1 while this node holds the cluster's alert lease and posts the alerts to the "
              "webhooks (--cluster), else 0.",
              [this] { return std::int64_t{holds_lease() ? 1 : 0}; });
  metrics.add("onlooker_alerts_left_to_lease_holder_total", Type::counter,
              "Alert changes this node saw and left to the node holding the alert lease.",
              [this] { return left_to_holder(); });
  metrics.add("onlooker_alerts_posted_without_redis_total", Type::counter,
              "Alert changes this node posted itself because Redis could not be reached.",
              [this] { return forwarded_without_redis(); });
}

}  // namespace onlooker
