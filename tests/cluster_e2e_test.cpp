// Several nodes, one live view (issue 17 items 1, 2, 4): real nginx + real
// onlookerd per node, one real redis-server, all on 127.0.0.1.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <csignal>
#include <fstream>
#include <memory>
#include <thread>

#include "support/http_client.h"
#include "support/process.h"
#include "support/redis_server.h"
#include "support/stack.h"
#include "support/temp_dir.h"

namespace onlooker {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::eventually;
using test::http_get;
using test::RedisServer;
using test::Stack;

const std::string agent = "Mozilla/5.0 (X11; Linux x86_64) Cluster";

std::unique_ptr<Stack> node(const std::string& redis_url, const std::string& name,
                            std::vector<std::string> extra = {},
                            const std::string& directives = "",
                            std::vector<std::string> nginx_env = {}) {
  std::vector<std::string> args{"--cluster", redis_url, "--node", name, "--push-interval", "100"};
  args.insert(args.end(), extra.begin(), extra.end());
  return std::make_unique<Stack>(
      test::StackOptions{.onlookerd_args = args, .server_directives = directives,
                         .nginx_env = nginx_env});
}

test::HttpResult view(const Stack& stack, const std::string& path, const std::string& client,
                      const std::map<std::string, std::string>& more = {}) {
  std::map<std::string, std::string> headers{{"X-Forwarded-For", client}, {"User-Agent", agent}};
  headers.insert(more.begin(), more.end());
  return http_get(stack.site_port(), path, headers);
}

json live(const Stack& stack) {
  return json::parse(http_get(stack.site_port(), "/onlooker/api/live").body);
}

std::string link(const Stack& stack) { return live(stack).at("cluster").at("link"); }

std::int64_t node_live(const json& snapshot, const std::string& name) {
  for (const auto& entry : snapshot.at("nodes")) {
    if (entry.at("node") == name) return entry.at("live");
  }
  return -1;
}

bool all_up(const std::vector<Stack*>& stacks) {
  for (Stack* stack : stacks) {
    if (link(*stack) != "up") return false;
  }
  return true;
}

TEST(Cluster, AHitOnAIsLiveOnCAndOnePersonOnTwoNodesCountsOnce) {
  RedisServer redis;
  auto a = node(redis.url(), "web-a");
  auto b = node(redis.url(), "web-b");
  auto c = node(redis.url(), "web-c");
  ASSERT_TRUE(eventually([&] { return all_up({a.get(), b.get(), c.get()}); }, 10s));

  ASSERT_EQ(view(*a, "/index.html", "10.1.0.1").status, 200);
  ASSERT_TRUE(eventually([&] { return live(*c).at("active") == 1; }, 3s)) << live(*c).dump();
  json on_c = live(*c);
  EXPECT_EQ(on_c.at("visitors").at(0).at("path"), "/index.html");
  EXPECT_EQ(node_live(on_c, "web-a"), 1) << on_c.dump();
  EXPECT_EQ(node_live(on_c, "web-c"), 0) << on_c.dump();

  // The same address and browser on node B: the same visitor id (the
  // cluster's day key), so still one person, now on B's page.
  std::this_thread::sleep_for(5ms);
  ASSERT_EQ(view(*b, "/about.html", "10.1.0.1").status, 200);
  ASSERT_TRUE(eventually([&] { return node_live(live(*c), "web-b") == 1; }, 3s)) << live(*c).dump();
  on_c = live(*c);
  EXPECT_EQ(on_c.at("active"), 1) << on_c.dump();
  EXPECT_EQ(on_c.at("visitors").at(0).at("path"), "/about.html");
  EXPECT_EQ(node_live(on_c, "web-a"), 0);
  for (Stack* stack : {a.get(), b.get()}) {
    EXPECT_TRUE(eventually([&] { return live(*stack).at("active") == 1; }, 3s))
        << live(*stack).dump();
  }

  // Another person on C is a second one everywhere; ?host= still filters.
  ASSERT_EQ(view(*c, "/index.html", "10.1.0.2").status, 200);
  EXPECT_TRUE(eventually([&] { return live(*a).at("active") == 2; }, 3s)) << live(*a).dump();
  EXPECT_EQ(json::parse(http_get(a->site_port(), "/onlooker/api/count").body).at("active"), 2);
  EXPECT_EQ(json::parse(http_get(a->site_port(), "/onlooker/api/live?host=nowhere.example").body)
                .at("active"),
            0);
}

// The count of `key` == `name` in a live list; 0 when it is not listed.
std::int64_t listed(const json& snapshot, const std::string& list, const std::string& key,
                    const std::string& name) {
  for (const auto& row : snapshot.at(list)) {
    if (row.at(key) == name) return row.at("viewers");
  }
  return 0;
}

TEST(Cluster, ACampaignLandingOnAIsInBsLiveSourcesAndCampaigns) {
  RedisServer redis;
  auto a = node(redis.url(), "web-a");
  auto b = node(redis.url(), "web-b");
  ASSERT_TRUE(eventually([&] { return all_up({a.get(), b.get()}); }, 10s));
  ASSERT_EQ(view(*a, "/index.html?utm_source=news&utm_campaign=launch", "10.5.0.1").status, 200);
  ASSERT_TRUE(eventually([&] { return node_live(live(*b), "web-a") == 1; }, 3s)) << live(*b).dump();
  const json on_b = live(*b);
  EXPECT_EQ(listed(on_b, "campaigns", "campaign", "launch"), 1) << on_b.dump();
  EXPECT_EQ(listed(on_b, "sources", "source", "campaign"), 1) << on_b.dump();
  // And what A itself shows: the same lists.
  const json on_a = live(*a);
  EXPECT_EQ(on_a.at("campaigns"), on_b.at("campaigns")) << on_a.dump();
  EXPECT_EQ(on_a.at("sources"), on_b.at("sources")) << on_a.dump();
}

TEST(Cluster, CookieModeIsOneVisitorAcrossNodes) {
  RedisServer redis;
  auto a = node(redis.url(), "web-a", {}, "onlooker_identity cookie;");
  auto b = node(redis.url(), "web-b", {}, "onlooker_identity cookie;");
  ASSERT_TRUE(eventually([&] { return all_up({a.get(), b.get()}); }, 10s));
  const auto first = view(*a, "/index.html", "10.2.0.1");
  ASSERT_TRUE(first.headers.count("set-cookie"));
  const std::string cookie = first.headers.at("set-cookie").substr(0, 37);  // _onl=<32 hex>
  std::this_thread::sleep_for(5ms);
  // Another address (a mobile network), same browser cookie, other node.
  const auto second = view(*b, "/about.html", "10.2.0.99", {{"Cookie", cookie}});
  EXPECT_FALSE(second.headers.count("set-cookie"));
  ASSERT_TRUE(eventually([&] { return node_live(live(*a), "web-b") == 1; }, 3s)) << live(*a).dump();
  EXPECT_EQ(live(*a).at("active"), 1) << live(*a).dump();
}

TEST(Cluster, RedisDownKeepsTheLocalViewShowsLinkDownAndRejoins) {
  RedisServer redis;
  auto a = node(redis.url(), "web-a");
  auto b = node(redis.url(), "web-b");
  ASSERT_TRUE(eventually([&] { return all_up({a.get(), b.get()}); }, 10s));
  ASSERT_EQ(view(*a, "/index.html", "10.3.0.1").status, 200);
  ASSERT_TRUE(eventually([&] { return live(*b).at("active") == 1; }, 3s));

  // /metrics names the node and the link's state.
  auto metrics = [](const Stack& stack) {
    return http_get(stack.site_port(), "/onlooker/metrics").body;
  };
  EXPECT_NE(metrics(*a).find("\nonlooker_node_info{node=\"web-a\"} 1\n"), std::string::npos)
      << metrics(*a);
  EXPECT_NE(metrics(*b).find("\nonlooker_node_info{node=\"web-b\"} 1\n"), std::string::npos);
  EXPECT_NE(metrics(*a).find("\nonlooker_cluster_link_up 1\n"), std::string::npos);

  redis.kill();
  EXPECT_TRUE(eventually([&] { return link(*a) == "down" && link(*b) == "down"; }, 5s))
      << live(*a).dump();
  EXPECT_NE(metrics(*a).find("\nonlooker_cluster_link_up 0\n"), std::string::npos) << metrics(*a);
  // The local view goes on.
  ASSERT_EQ(view(*b, "/about.html", "10.3.0.2").status, 200);
  EXPECT_TRUE(eventually([&] { return live(*b).at("active") == 2; }, 3s)) << live(*b).dump();
  EXPECT_EQ(live(*a).at("active"), 1) << "A cannot hear B while Redis is down";

  redis.start();
  EXPECT_TRUE(eventually([&] { return all_up({a.get(), b.get()}); }, 15s)) << live(*a).dump();
  EXPECT_NE(metrics(*a).find("\nonlooker_cluster_link_up 1\n"), std::string::npos);
  // The batch B queued while the link was down goes out on rejoin, and new
  // hits flow again.
  ASSERT_EQ(view(*b, "/index.html", "10.3.0.3").status, 200);
  EXPECT_TRUE(eventually([&] { return live(*a).at("active") == 3; }, 5s)) << live(*a).dump();
  EXPECT_EQ(node_live(live(*a), "web-b"), 2) << live(*a).dump();
}

TEST(Cluster, AKilledNodesVisitorsAgeOutWithinTheActiveWindow) {
  RedisServer redis;
  auto a = node(redis.url(), "web-a", {"--active-window", "2"});
  auto b = node(redis.url(), "web-b", {"--active-window", "2"});
  ASSERT_TRUE(eventually([&] { return all_up({a.get(), b.get()}); }, 10s));
  ASSERT_EQ(view(*b, "/index.html", "10.4.0.1").status, 200);
  ASSERT_TRUE(eventually([&] { return live(*a).at("active") == 1; }, 3s));
  b->stop_onlookerd(SIGKILL);
  EXPECT_TRUE(eventually([&] { return live(*a).at("active") == 0; }, 4s)) << live(*a).dump();
}

TEST(Cluster, ARestartedNodeRebuildsTheOthersVisitorsFromTheStream) {
  RedisServer redis;
  auto a = node(redis.url(), "web-a");
  auto b = node(redis.url(), "web-b");
  ASSERT_TRUE(eventually([&] { return all_up({a.get(), b.get()}); }, 10s));
  ASSERT_EQ(view(*b, "/index.html", "10.5.0.1").status, 200);
  ASSERT_TRUE(eventually([&] { return live(*a).at("active") == 1; }, 3s));
  a->stop_onlookerd(SIGTERM);
  a->start_onlookerd();
  EXPECT_TRUE(eventually([&] { return live(*a).at("active") == 1; }, 5s)) << live(*a).dump();
}

// Order per visitor is arrival order on the receiving node: node B's clock
// 2 s behind does not make its later page look older than A's.
TEST(Cluster, ANodeWhoseClockIsTwoSecondsBehindDoesNotReorderACurrentPage) {
  RedisServer redis;
  auto a = node(redis.url(), "web-a");
  auto b = node(redis.url(), "web-b", {}, "",
                {"LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
                 "FAKETIME=-2s", "FAKETIME_DONT_FAKE_MONOTONIC=1"});
  auto c = node(redis.url(), "web-c");
  ASSERT_TRUE(eventually([&] { return all_up({a.get(), b.get(), c.get()}); }, 10s));
  // A node learns a clock from that node's batches (clock_offsets.h): before
  // its own first batch, remote hits take their arrival time (a documented
  // limit). A crawler's view on each node (not a person: not in "active" or
  // "visitors") lets every node learn every clock first.
  std::uint8_t crawler = 0;
  for (Stack* stack : {a.get(), b.get(), c.get()}) {
    const std::string address = "10.6.9." + std::to_string(++crawler);
    ASSERT_EQ(http_get(stack->site_port(), "/index.html",
                       {{"X-Forwarded-For", address},
                        {"User-Agent", "Mozilla/5.0 (compatible; Googlebot/2.1; "
                                       "+http://www.google.com/bot.html)"}})
                  .status,
              200);
  }
  for (Stack* stack : {a.get(), b.get(), c.get()}) {
    ASSERT_TRUE(eventually([&] { return live(*stack).at("bots") == 3; }, 3s)) << live(*stack).dump();
  }
  std::this_thread::sleep_for(300ms);  // each node's own entry read back too
  ASSERT_EQ(view(*a, "/index.html", "10.6.0.1").status, 200);
  ASSERT_TRUE(eventually([&] { return live(*c).at("active") == 1; }, 3s));
  ASSERT_EQ(view(*b, "/about.html", "10.6.0.1").status, 200);
  ASSERT_TRUE(eventually([&] { return node_live(live(*c), "web-b") == 1; }, 3s)) << live(*c).dump();
  for (Stack* stack : {a.get(), b.get(), c.get()}) {
    ASSERT_TRUE(eventually([&] { return node_live(live(*stack), "web-b") == 1; }, 3s))
        << live(*stack).dump();
    const json snapshot = live(*stack);
    ASSERT_EQ(snapshot.at("active"), 1) << snapshot.dump();
    EXPECT_EQ(snapshot.at("visitors").at(0).at("path"), "/about.html") << snapshot.dump();
  }
  // And back on A, 2 s "later" on B's clock than A's: still the newest page.
  std::this_thread::sleep_for(5ms);
  ASSERT_EQ(view(*a, "/index.html", "10.6.0.1").status, 200);
  for (Stack* stack : {a.get(), b.get(), c.get()}) {
    EXPECT_TRUE(eventually(
        [&] {
          const json snapshot = live(*stack);
          return snapshot.at("active") == 1 &&
                 snapshot.at("visitors").at(0).at("path") == "/index.html";
        },
        3s))
        << live(*stack).dump();
  }
}

TEST(Cluster, ABadClusterUrlExitsWithStatusTwoWithoutEchoingIt) {
  const auto result = test::run_command({test::onlookerd_path(), "--ring", "/nonexistent", "--db",
                                         "/tmp/x.db", "--cluster", "http://:secret@h:1"});
  EXPECT_EQ(result.status, 2);
  EXPECT_NE(result.output.find("invalid --cluster"), std::string::npos) << result.output;
  EXPECT_EQ(result.output.find("secret"), std::string::npos) << result.output;
}

// Debian 12's hiredis has no TLS: rediss:// is refused at start, saying why
// and what to do instead, never accepted and then failing at connect.
TEST(Cluster, RedissIsRefusedWithStatusTwoAndSaysWhatToDoInstead) {
  const auto result = test::run_command({test::onlookerd_path(), "--ring", "/nonexistent", "--db",
                                         "/tmp/x.db", "--cluster", "rediss://:secret@h:6380"});
  EXPECT_EQ(result.status, 2);
  EXPECT_NE(result.output.find("invalid --cluster: rediss:// (TLS) is not supported"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("TLS tunnel"), std::string::npos) << result.output;
  EXPECT_EQ(result.output.find("secret"), std::string::npos) << result.output;
}

// What README says instead of rediss://: a Redis that takes TLS only (its
// tls-port, a self-signed certificate made here), a client-mode stunnel that
// verifies it, and nodes on redis://127.0.0.1:TUNNEL. Nothing in the clear
// reaches the server: it has no plain port.
TEST(Cluster, ALocalTlsTunnelToARedisTlsPortCarriesTheLiveView) {
  test::TempDir dir;
  const std::string cert = dir.file("redis.crt"), key = dir.file("redis.key");
  ASSERT_EQ(test::run_command({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                               "-days", "1", "-subj", "/CN=127.0.0.1", "-addext",
                               "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert})
                .status,
            0);
  const unsigned short tls_port = test::free_port(), tunnel_port = test::free_port();
  test::Process redis({"/usr/bin/redis-server", "--port", "0", "--tls-port",
                       std::to_string(tls_port), "--bind", "127.0.0.1", "--tls-cert-file", cert,
                       "--tls-key-file", key, "--tls-ca-cert-file", cert, "--tls-auth-clients",
                       "no", "--save", "", "--appendonly", "no", "--dir", dir.path().string()},
                      dir.file("redis.log"));
  std::ofstream(dir.file("stunnel.conf"))
      << "foreground = yes\npid =\n[redis]\nclient = yes\naccept = 127.0.0.1:" << tunnel_port
      << "\nconnect = 127.0.0.1:" << tls_port << "\nverifyChain = yes\nCAfile = " << cert
      << "\ncheckIP = 127.0.0.1\n";
  test::Process tunnel({"/usr/bin/stunnel4", dir.file("stunnel.conf")}, dir.file("stunnel.log"));
  const std::string url = "redis://127.0.0.1:" + std::to_string(tunnel_port);
  auto a = node(url, "web-a");
  auto b = node(url, "web-b");
  ASSERT_TRUE(eventually([&] { return all_up({a.get(), b.get()}); }, 15s))
      << test::read_file(dir.file("stunnel.log")) << test::read_file(dir.file("redis.log"));
  ASSERT_EQ(view(*a, "/index.html", "10.7.0.1").status, 200);
  EXPECT_TRUE(eventually([&] { return live(*b).at("active") == 1; }, 3s)) << live(*b).dump();
  EXPECT_EQ(node_live(live(*b), "web-a"), 1);
}

}  // namespace
}  // namespace onlooker
