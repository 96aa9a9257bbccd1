#include "cluster_link.h"

#include <hiredis/hiredis.h>

#include <charconv>

#include "clock.h"
#include "clock_offsets.h"
#include "cluster_day_key.h"
#include "cluster_wire.h"
#include "log.h"
#include "onlooker_day_key.h"
#include "redis_connection.h"

namespace onlooker {

namespace {

constexpr auto connect_timeout = std::chrono::milliseconds(1000);
constexpr auto heartbeat_every = std::chrono::milliseconds(1000);
constexpr auto day_key_every = std::chrono::seconds(60);
constexpr int block_ms = 500;        // the reader's XREAD BLOCK; bounds stop()
constexpr std::size_t max_queued = 1000;  // batches held for Redis while it is down
constexpr auto max_backoff = std::chrono::milliseconds(5000);
constexpr std::int64_t max_errors_an_entry = std::int64_t{1} << 32;

// "1700000000000-3" -> 1700000000000.
std::int64_t id_ms(const std::string& id) {
  return std::stoll(id.substr(0, id.find('-')));
}

const redisReply* field(const redisReply* pairs, const char* name) {
  for (std::size_t i = 0; i + 1 < pairs->elements; i += 2) {
    const redisReply* key = pairs->element[i];
    if (key->type == REDIS_REPLY_STRING && std::string_view(key->str, key->len) == name) {
      return pairs->element[i + 1];
    }
  }
  return nullptr;
}

// A positive decimal field of an entry ("t", "e", "et"); 0 when it is
// absent or malformed (entries of older nodes have no "e").
std::int64_t positive_field(const redisReply* pairs, const char* name) {
  const redisReply* value = field(pairs, name);
  if (!value || value->type != REDIS_REPLY_STRING) return 0;
  std::int64_t number = 0;
  const char* end = value->str + value->len;
  const auto [stop, error] = std::from_chars(value->str, end, number);
  return error == std::errc{} && stop == end && number > 0 ? number : 0;
}

}  // namespace

ClusterLink::ClusterLink(ClusterSettings settings, HitFeed& local, ClusterSink sink,
                         onlooker_ring_header* ring)
    : settings_(std::move(settings)), local_(local), sink_(std::move(sink)), ring_(ring) {}

ClusterLink::~ClusterLink() { stop(); }

void ClusterLink::start() {
  {
    // What came before start() is the live set restored from this node's
    // history: the other nodes rebuild it from the stream, not from us again.
    std::lock_guard lock(mutex_);
    outgoing_.clear();
    errors_out_ = {};
  }
  set_state();
  writer_ = std::jthread([this](std::stop_token stop) { write_loop(stop); });
  reader_ = std::jthread([this](std::stop_token stop) { read_loop(stop); });
}

void ClusterLink::stop() {
  if (writer_.joinable()) {
    writer_.request_stop();
    wake_.notify_all();
    writer_.join();
  }
  if (reader_.joinable()) {
    reader_.request_stop();
    reader_.join();
  }
}

void ClusterLink::publish(std::shared_ptr<const std::vector<Hit>> hits) {
  local_.publish(hits);
  {
    std::lock_guard lock(mutex_);
    if (outgoing_.size() >= max_queued) outgoing_.pop_front();  // Redis down: the oldest go
    outgoing_.push_back(std::move(hits));
  }
  wake_.notify_one();
}

void ClusterLink::publish_errors(ErrorRecords errors) {
  {
    std::lock_guard lock(mutex_);
    errors_out_.count += errors.count;
    errors_out_.newest_ts_ms = std::max(errors_out_.newest_ts_ms, errors.newest_ts_ms);
  }
  wake_.notify_one();
}

void ClusterLink::set_state() {
  const int now = up() ? 1 : 0;
  if (reported_.exchange(now) == now) return;
  log::write(now ? log::Level::info : log::Level::warn,
             std::string("msg=\"cluster link ") + (now ? "up" : "down") + "\" redis=" +
                 settings_.url.describe() + " node=" + settings_.node);
  if (sink_.link_state) sink_.link_state(now == 1);
}

void ClusterLink::backoff(std::stop_token stop, std::chrono::milliseconds& delay) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, stop, delay, [] { return false; });
  delay = std::min(delay * 2, max_backoff);
}

bool ClusterLink::agree_day_keys(RedisConnection& redis) {
  if (ring_ == nullptr) return true;
  const std::uint64_t today = onlooker_utc_day(static_cast<std::uint64_t>(unix_now_ms()));
  // Tomorrow's too, so that nginx finds it in place at midnight.
  const bool ok = agree_day_key(redis, *ring_, today) && agree_day_key(redis, *ring_, today + 1);
  if (!ok && redis.ok()) {
    log::warn("msg=\"cluster day key not installed: this node hashes with its own key\"");
  }
  return redis.ok();
}

void ClusterLink::write_loop(std::stop_token stop) {
  auto delay = std::chrono::milliseconds(100);
  std::string last_error;
  while (!stop.stop_requested()) {
    RedisConnection redis(settings_.url, connect_timeout);
    if (!redis.ok() || !agree_day_keys(redis)) {
      if (redis.error() != last_error) {
        last_error = redis.error();
        log::warn("msg=\"cannot reach the cluster's Redis; retrying\" redis=" +
                  settings_.url.describe() + " error=\"" + last_error + "\"");
      }
      writer_up_ = false;
      set_state();
      backoff(stop, delay);
      continue;
    }
    last_error.clear();
    delay = std::chrono::milliseconds(100);
    writer_up_ = true;
    set_state();
    auto next_day_key = std::chrono::steady_clock::now() + day_key_every;
    auto last_sent = std::chrono::steady_clock::time_point{};
    while (!stop.stop_requested()) {
      std::deque<std::shared_ptr<const std::vector<Hit>>> batches;
      ErrorRecords errors;
      {
        std::unique_lock lock(mutex_);
        wake_.wait_until(lock, stop, last_sent + heartbeat_every,
                         [this] { return !outgoing_.empty() || errors_out_.count > 0; });
        batches.swap(outgoing_);
        std::swap(errors, errors_out_);
      }
      const std::string min_id = std::to_string(unix_now_ms() - settings_.active_window.count());
      std::vector<std::vector<std::string>> commands;
      // "t": the sender's nginx clock (its latest hit); 0 for a heartbeat, as
      // onlookerd's own clock may differ from nginx's (clock_offsets.h).
      auto add = [&](std::string hits, std::int64_t t) {
        commands.push_back({"XADD", settings_.stream, "MINID", "~", min_id, "*", "n",
                            settings_.node, "t", std::to_string(t), "h", std::move(hits)});
      };
      for (const auto& batch : batches) {
        std::int64_t latest = 0;
        for (const Hit& hit : *batch) latest = std::max(latest, hit.ts_ms);
        add(encode_live_hits(*batch), latest);
      }
      if (errors.count > 0) {
        // "e": the error records read since the last entry, "et" the newest's
        // nginx time; on the last entry, or one with no hits (which older
        // nodes take as a heartbeat: they read only n, t and h).
        if (commands.empty()) add("", errors.newest_ts_ms);
        commands.back().insert(commands.back().end(),
                               {"e", std::to_string(errors.count), "et",
                                std::to_string(errors.newest_ts_ms)});
      }
      if (commands.empty()) add("", 0);  // heartbeat
      const auto replies = redis.pipeline(commands);
      if (replies.empty()) {
        // Connection lost: these batches go out again after the reconnect
        // (a batch Redis took before the loss is then heard twice, which the
        // live set absorbs: the same hit applied again changes nothing).
        std::lock_guard lock(mutex_);
        errors_out_.count += errors.count;
        errors_out_.newest_ts_ms = std::max(errors_out_.newest_ts_ms, errors.newest_ts_ms);
        while (!batches.empty() && outgoing_.size() < max_queued) {
          outgoing_.push_front(std::move(batches.back()));
          batches.pop_back();
        }
        break;
      }
      last_sent = std::chrono::steady_clock::now();
      if (last_sent >= next_day_key) {
        if (!agree_day_keys(redis)) break;
        next_day_key = last_sent + day_key_every;
      }
    }
    writer_up_ = false;
    set_state();
  }
}

void ClusterLink::read_loop(std::stop_token stop) {
  auto delay = std::chrono::milliseconds(100);
  std::string last_id;  // empty: rebuild the last active window
  ClockOffsets offsets;
  auto deliver = [&](const redisReply* entries, bool live) {
    for (std::size_t i = 0; i < entries->elements; ++i) {
      const redisReply* entry = entries->element[i];
      if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2) continue;
      const std::string id(entry->element[0]->str, entry->element[0]->len);
      last_id = id;
      const redisReply* node = field(entry->element[1], "n");
      const redisReply* hits = field(entry->element[1], "h");
      if (!node || !hits || node->type != REDIS_REPLY_STRING || hits->type != REDIS_REPLY_STRING) {
        continue;
      }
      std::string name(node->str, node->len);
      if (const std::int64_t t = positive_field(entry->element[1], "t"); t > 0) {
        offsets.sample(name, id_ms(id) - t, unix_now_ms());
      }
      if (name == settings_.node) continue;  // our own, already in the live set
      auto decoded = std::make_shared<std::vector<Hit>>();
      if (hits->len > 0) {
        try {
          if (!decode_live_hits(std::string(hits->str, hits->len), *decoded)) decoded->clear();
        } catch (const std::exception&) {
          decoded->clear();
        }
      }
      // Onto this node's clock (clock_offsets.h); until both offsets are
      // known, arrival time (rebuilt entries: their stream time).
      const std::int64_t now = unix_now_ms();
      const auto theirs = offsets.get(name);
      const auto ours = offsets.get(settings_.node);
      const std::int64_t fallback = live ? now : std::min(id_ms(id), now);
      auto on_our_clock = [&](std::int64_t ts_ms) {
        return theirs && ours ? std::min(ts_ms + *theirs - *ours, now) : fallback;
      };
      for (Hit& hit : *decoded) hit.ts_ms = on_our_clock(hit.ts_ms);
      const std::int64_t errors = positive_field(entry->element[1], "e");
      const std::int64_t errors_at = positive_field(entry->element[1], "et");
      // (Bounded: another node's entry is untrusted input, and the sums must not overflow.)
      if (errors > 0 && errors <= max_errors_an_entry && errors_at > 0 && sink_.remote_errors) {
        sink_.remote_errors(on_our_clock(errors_at), static_cast<std::uint64_t>(errors));
      }
      sink_.remote(std::move(name), std::move(decoded));
    }
  };
  while (!stop.stop_requested()) {
    RedisConnection redis(settings_.url, connect_timeout + std::chrono::milliseconds(block_ms));
    if (!redis.ok()) {
      reader_up_ = false;
      set_state();
      backoff(stop, delay);
      continue;
    }
    delay = std::chrono::milliseconds(100);
    const std::int64_t window_start = unix_now_ms() - settings_.active_window.count();
    if (last_id.empty() || id_ms(last_id) < window_start) {
      // Rebuild: the entries of the last active window, oldest first.
      std::string from = std::to_string(window_start);
      bool failed = false;
      for (;;) {
        auto reply = redis.command({"XRANGE", settings_.stream, from, "+", "COUNT", "1000"});
        if (!reply || reply->type != REDIS_REPLY_ARRAY) {
          failed = true;
          break;
        }
        deliver(reply.get(), false);
        if (reply->elements < 1000) break;
        from = "(" + last_id;
      }
      if (failed) continue;
      if (last_id.empty()) last_id = std::to_string(window_start);
    }
    reader_up_ = true;
    set_state();
    while (!stop.stop_requested()) {
      auto reply = redis.command({"XREAD", "COUNT", "1000", "BLOCK", std::to_string(block_ms),
                                  "STREAMS", settings_.stream, last_id});
      if (!reply || reply->type == REDIS_REPLY_ERROR) break;
      if (reply->type != REDIS_REPLY_ARRAY) continue;  // nil: nothing new
      for (std::size_t s = 0; s < reply->elements; ++s) {
        const redisReply* stream = reply->element[s];
        if (stream->type == REDIS_REPLY_ARRAY && stream->elements == 2) {
          deliver(stream->element[1], true);
        }
      }
    }
    reader_up_ = false;
    set_state();
  }
}

}  // namespace onlooker
