// The cluster's alert counts and the one node that posts alerts (issue 19),
// in-process against a real redis-server: two ClusterLinks carrying error
// counts and a view's source and campaign, two ClusterAlertGates sharing one
// lease.
#include <gtest/gtest.h>

#include <hiredis/hiredis.h>
#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <vector>

#include "clock.h"
#include "cluster_alert_gate.h"
#include "cluster_link.h"
#include "cluster_wire.h"
#include "redis_connection.h"
#include "support/collecting_feed.h"
#include "support/process.h"
#include "support/redis_server.h"

namespace onlooker {
namespace {

using namespace std::chrono_literals;
using test::eventually;
using test::RedisServer;

RedisUrl url_of(const RedisServer& redis) {
  std::string why;
  return *parse_redis_url(redis.url(), why);
}

// What a gate forwarded to the webhooks, from its thread.
class CollectingAlerts final : public AlertSink {
 public:
  void alert(const AlertNotice& notice) override {
    std::lock_guard lock(mutex_);
    notices_.push_back(notice);
  }
  std::vector<AlertNotice> notices() const {
    std::lock_guard lock(mutex_);
    return notices_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<AlertNotice> notices_;
};

AlertNotice change(const std::string& rule, bool firing, std::int64_t time_ms = 1) {
  return {rule, rule + " condition", 7, firing, time_ms};
}

AlertGateSettings gate_settings(const RedisServer& redis, const std::string& node) {
  return {.url = url_of(redis), .node = node, .lease = 1000ms, .renew_every = 100ms};
}

TEST(ClusterAlertGate, OnlyTheLeaseHolderPostsAndATakeoverPostsWhatTheHolderMissed) {
  RedisServer redis;
  CollectingAlerts posted_by_a;
  CollectingAlerts posted_by_b;
  ClusterAlertGate a(gate_settings(redis, "web-a"), posted_by_a);
  ClusterAlertGate b(gate_settings(redis, "web-b"), posted_by_b);
  a.start();
  ASSERT_TRUE(eventually([&] { return a.holds_lease(); }, 3s));
  b.start();
  std::this_thread::sleep_for(300ms);  // b has tried for the lease, three times
  EXPECT_FALSE(b.holds_lease());

  // Both nodes see the same change: only the holder posts it.
  a.alert(change("busy", true));
  b.alert(change("busy", true));
  ASSERT_TRUE(eventually([&] { return b.left_to_holder() == 1; }, 3s));
  ASSERT_TRUE(eventually([&] { return posted_by_a.notices().size() == 1; }, 3s));
  EXPECT_EQ(posted_by_a.notices()[0].rule, "busy");
  EXPECT_TRUE(posted_by_b.notices().empty());

  // A change only b saw (as if a had died before it): left to a, which
  // never posts it; when a is gone, b takes the lease and posts it, late,
  // and not "busy" again (the webhooks heard that one).
  b.alert(change("errors", true, 42));
  ASSERT_TRUE(eventually([&] { return b.left_to_holder() == 2; }, 3s));
  a.stop();
  ASSERT_TRUE(eventually([&] { return b.holds_lease(); }, 3s));
  ASSERT_TRUE(eventually([&] { return posted_by_b.notices().size() == 1; }, 3s));
  EXPECT_EQ(posted_by_b.notices()[0].rule, "errors");
  EXPECT_TRUE(posted_by_b.notices()[0].firing);
  EXPECT_EQ(posted_by_b.notices()[0].time_ms, 42);  // when b saw it

  b.alert(change("busy", false));
  ASSERT_TRUE(eventually([&] { return posted_by_b.notices().size() == 2; }, 3s));
  EXPECT_FALSE(posted_by_b.notices()[1].firing);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(posted_by_a.notices().size(), 1u);
  EXPECT_EQ(posted_by_b.notices().size(), 2u);
  const std::string delivered = redis.cli({"HGETALL", "onlooker:alerts:delivered"});
  EXPECT_NE(delivered.find("busy\ncleared"), std::string::npos) << delivered;
  EXPECT_NE(delivered.find("errors\nfiring"), std::string::npos) << delivered;
  EXPECT_EQ(redis.cli({"GET", "onlooker:alerts:lease"}), "web-b\n");
}

TEST(ClusterAlertGate, AHolderThatDiesLosesTheLeaseAfterItsTime) {
  RedisServer redis;
  CollectingAlerts posted;
  // A holder that died: its lease is in Redis and nobody renews it.
  redis.cli({"SET", "onlooker:alerts:lease", "web-dead", "PX", "1000"});
  ClusterAlertGate b(gate_settings(redis, "web-b"), posted);
  b.start();
  b.alert(change("busy", true));
  ASSERT_TRUE(eventually([&] { return b.left_to_holder() == 1; }, 2s));
  EXPECT_TRUE(posted.notices().empty());
  ASSERT_TRUE(eventually([&] { return b.holds_lease(); }, 3s));
  ASSERT_TRUE(eventually([&] { return posted.notices().size() == 1; }, 2s));
  EXPECT_EQ(posted.notices()[0].rule, "busy");
}

TEST(ClusterAlertGate, ANodeThatCannotReachRedisPostsItsOwnAlerts) {
  RedisServer redis;
  const AlertGateSettings settings = gate_settings(redis, "web-a");
  redis.kill();
  CollectingAlerts posted;
  ClusterAlertGate gate(settings, posted);
  gate.start();
  gate.alert(change("busy", true));
  ASSERT_TRUE(eventually([&] { return posted.notices().size() == 1; }, 3s));
  EXPECT_EQ(gate.forwarded_without_redis(), 1u);
  EXPECT_FALSE(gate.holds_lease());
}

// The link side: error records (no hits) travel as a count in the stream
// entry, and the entries stay what an older node reads (n, t, h).
struct HeardByB {
  std::mutex mutex;
  std::vector<Hit> hits;
  std::uint64_t errors = 0;
  std::int64_t errors_at = 0;

  // B's link sink: what it hears from other nodes lands here.
  ClusterSink sink() {
    return {.remote = [this](std::string, std::shared_ptr<const std::vector<Hit>> heard) {
              std::lock_guard lock(mutex);
              hits.insert(hits.end(), heard->begin(), heard->end());
            },
            .link_state = {},
            .remote_errors = [this](std::int64_t ts_ms, std::uint64_t count) {
              std::lock_guard lock(mutex);
              errors += count;
              errors_at = ts_ms;
            }};
  }
  std::size_t hit_count() {
    std::lock_guard lock(mutex);
    return hits.size();
  }
};

// A's link sink: A only publishes here.
ClusterSink deaf() {
  return {.remote = [](std::string, std::shared_ptr<const std::vector<Hit>>) {}};
}

Hit view_at(std::int64_t ts_ms, std::uint8_t who) {
  Hit hit;
  hit.ts_ms = ts_ms;
  hit.kind = HitKind::view;
  hit.visitor[0] = who;
  hit.host = "example.com";
  hit.path = "/index.html";
  hit.device = "desktop";
  return hit;
}

// Two nodes on one Redis, started: A publishes, B's link hears into `heard`.
struct TwoLinkedNodes {
  RedisServer redis;
  test::CollectingFeed local_a;
  test::CollectingFeed local_b;
  HeardByB heard;
  ClusterLink a{{.url = url_of(redis), .node = "web-a"}, local_a, deaf(), nullptr};
  ClusterLink b{{.url = url_of(redis), .node = "web-b"}, local_b, heard.sink(), nullptr};

  TwoLinkedNodes() {
    a.start();
    b.start();
  }
  ~TwoLinkedNodes() {
    a.stop();
    b.stop();
  }
  bool joined() {
    return eventually([&] { return a.up() && b.up(); }, 5s);
  }
};

TEST(ClusterLink, ErrorCountsTravelInTheEntriesAndOlderNodesStillReadThem) {
  TwoLinkedNodes nodes;
  ASSERT_TRUE(nodes.joined());
  auto heard_errors = [&] {
    std::lock_guard lock(nodes.heard.mutex);
    return nodes.heard.errors;
  };
  const std::int64_t now = unix_now_ms();
  // A read with two views and three errors, then one with errors alone.
  nodes.a.publish(std::make_shared<const std::vector<Hit>>(
      std::vector<Hit>{view_at(now, 1), view_at(now, 2)}));
  nodes.a.publish_errors({.count = 3, .newest_ts_ms = now});
  ASSERT_TRUE(eventually([&] { return heard_errors() == 3; }, 3s)) << heard_errors();
  nodes.a.publish_errors({.count = 2, .newest_ts_ms = now + 5});
  ASSERT_TRUE(eventually([&] { return heard_errors() == 5; }, 3s)) << heard_errors();
  {
    std::lock_guard lock(nodes.heard.mutex);
    EXPECT_EQ(nodes.heard.hits.size(), 2u);
    EXPECT_LE(nodes.heard.errors_at, unix_now_ms());
    EXPECT_GE(nodes.heard.errors_at, now - 1000);
  }
  EXPECT_EQ(nodes.local_a.hits.size(), 2u);  // the local view got the batch first

  // Every entry of A has what older nodes read: n, t and h, where h is the
  // hits (two views) or empty (errors alone: a heartbeat to them).
  RedisConnection reader(url_of(nodes.redis), 1000ms);
  auto entries = reader.command({"XRANGE", "onlooker:live", "-", "+"});
  ASSERT_TRUE(entries && entries->type == REDIS_REPLY_ARRAY);
  std::uint64_t errors_in_entries = 0;
  std::size_t hits_in_entries = 0;
  for (std::size_t i = 0; i < entries->elements; ++i) {
    const redisReply* pairs = entries->element[i]->element[1];
    std::map<std::string, std::string> fields;
    for (std::size_t f = 0; f + 1 < pairs->elements; f += 2) {
      fields[std::string(pairs->element[f]->str, pairs->element[f]->len)] =
          std::string(pairs->element[f + 1]->str, pairs->element[f + 1]->len);
    }
    if (fields["n"] != "web-a") continue;
    ASSERT_TRUE(fields.count("t") && fields.count("h"));
    std::vector<Hit> decoded;
    if (!fields["h"].empty()) {
      ASSERT_TRUE(decode_live_hits(fields["h"], decoded));
    }
    hits_in_entries += decoded.size();
    if (fields.count("e")) {
      errors_in_entries += std::stoull(fields["e"]);
      EXPECT_GT(std::stoll(fields["et"]), 0);
    }
  }
  EXPECT_EQ(hits_in_entries, 2u);
  EXPECT_EQ(errors_in_entries, 5u);
}

// A view's source group and campaign cross the link (the live sources and
// campaigns lists of the other nodes count them), and an entry written by an
// older node, which carries neither, is still read: its visitor has none.
TEST(ClusterLink, AViewsSourceAndCampaignTravelAndAnOlderNodesEntryIsReadWithout) {
  TwoLinkedNodes nodes;
  ASSERT_TRUE(nodes.joined());
  auto heard_views = [&] { return nodes.heard.hit_count(); };
  const std::int64_t now = unix_now_ms();
  Hit landing = view_at(now, 1);
  landing.campaign = {.source = "news", .name = "launch"};
  landing.source_group = "campaign";
  nodes.a.publish(std::make_shared<const std::vector<Hit>>(std::vector<Hit>{landing}));
  ASSERT_TRUE(eventually([&] { return heard_views() == 1; }, 3s)) << heard_views();

  // An older node's entry, its hits as that node's encoder wrote them.
  using Json = nlohmann::json;
  const std::vector<std::uint8_t> visitor(16, 9);
  const Json older_hits = Json::array({Json{{"ts", now}, {"k", 1}, {"v", Json::binary(visitor)},
                                            {"tab", 0}, {"def", false},
                                            {"path", Json::binary({'/', 'o'})}}});
  const std::vector<std::uint8_t> cbor = Json::to_cbor(older_hits);
  RedisConnection writer(url_of(nodes.redis), 1000ms);
  ASSERT_TRUE(writer.command({"XADD", "onlooker:live", "*", "n", "web-old", "t",
                              std::to_string(now), "h", std::string(cbor.begin(), cbor.end())}));
  ASSERT_TRUE(eventually([&] { return heard_views() == 2; }, 3s)) << heard_views();
  {
    std::lock_guard lock(nodes.heard.mutex);
    EXPECT_EQ(nodes.heard.hits[0].source_group, "campaign");
    EXPECT_EQ(nodes.heard.hits[0].campaign.name, "launch");
    EXPECT_EQ(nodes.heard.hits[0].path, landing.path);
    EXPECT_EQ(nodes.heard.hits[1].path, "/o");
    EXPECT_EQ(nodes.heard.hits[1].visitor[0], 9);
    EXPECT_TRUE(nodes.heard.hits[1].source_group.empty());
    EXPECT_TRUE(nodes.heard.hits[1].campaign.name.empty());
  }
}

}  // namespace
}  // namespace onlooker
