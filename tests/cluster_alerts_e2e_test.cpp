// Alerts across nodes (issue 19): real nginx + real onlookerd per node, one
// real redis-server, one real webhook receiver that every node posts to.
// Each node judges the whole site's views and 5xx errors, and one node
// posts each change.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <csignal>
#include <memory>
#include <thread>

#include "support/http_client.h"
#include "support/process.h"
#include "support/redis_server.h"
#include "support/stack.h"
#include "support/webhook_receiver.h"

namespace onlooker {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::eventually;
using test::http_get;
using test::RedisServer;
using test::Stack;
using test::WebhookReceiver;

const std::string agent = "Mozilla/5.0 (X11; Linux x86_64) ClusterAlerts";

std::unique_ptr<Stack> alerting_node(const RedisServer& redis, const std::string& name,
                                     const WebhookReceiver& receiver,
                                     std::vector<std::string> more) {
  std::vector<std::string> args{"--cluster", redis.url(), "--node", name,
                                "--push-interval", "100", "--alert-webhook",
                                receiver.url("/hooks")};
  args.insert(args.end(), more.begin(), more.end());
  return std::make_unique<Stack>(test::StackOptions{
      .onlookerd_args = args,
      .server_directives = "location = /checkout.html { return 500; }"});
}

int get(const Stack& stack, const std::string& path, const std::string& client) {
  return http_get(stack.site_port(), path, {{"X-Forwarded-For", client}, {"User-Agent", agent}})
      .status;
}

bool linked(const Stack& stack) {
  return json::parse(http_get(stack.site_port(), "/onlooker/api/live").body)
             .at("cluster").at("link") == "up";
}

std::string metrics(const Stack& stack) {
  return http_get(stack.site_port(), "/onlooker/metrics").body;
}

bool logged(const Stack& stack, const std::string& text) {
  return stack.onlookerd_log().find(text) != std::string::npos;
}

std::vector<json> posts_of(const WebhookReceiver& receiver, const std::string& rule) {
  std::vector<json> out;
  for (const auto& post : receiver.posts()) {
    json body = json::parse(post.body);
    if (body.at("rule") == rule) out.push_back(std::move(body));
  }
  return out;
}

TEST(ClusterAlerts, EveryNodeCountsTheClustersViewsAndErrorsAndOneNodePostsEachAlert) {
  RedisServer redis;
  WebhookReceiver receiver;
  const std::vector<std::string> rules{"--alert", "views: views_per_minute > 5", "--alert",
                                       "errors: status5xx_share{live} > 20%"};
  auto a = alerting_node(redis, "web-a", receiver, rules);
  auto b = alerting_node(redis, "web-b", receiver, rules);
  ASSERT_TRUE(eventually([&] { return linked(*a) && linked(*b); }, 10s));

  // Three people's views on each node: 3 is no alert on either, 6 is.
  for (int i = 1; i <= 3; ++i) {
    ASSERT_EQ(get(*a, "/index.html", "10.20.0." + std::to_string(i)), 200);
    ASSERT_EQ(get(*b, "/index.html", "10.20.1." + std::to_string(i)), 200);
  }
  for (const Stack* stack : {a.get(), b.get()}) {
    EXPECT_TRUE(eventually([&] {
      return logged(*stack, "msg=\"alert firing\" rule=\"views\" condition=\"views_per_minute > 5\" "
                            "value=6");
    }, 5s)) << stack->onlookerd_log();
  }
  ASSERT_TRUE(receiver.wait_for(1, 5s));

  // Two 5xx answers on A alone: 2 of 8 tracked requests, 25 %, which B
  // knows only from the counts in A's stream entries.
  ASSERT_EQ(get(*a, "/checkout.html", "10.20.2.1"), 500);
  ASSERT_EQ(get(*a, "/checkout.html", "10.20.2.2"), 500);
  EXPECT_TRUE(eventually([&] {
    return logged(*b, "msg=\"alert firing\" rule=\"errors\" condition=\"status5xx_share{live} > "
                      "20%\" value=25");
  }, 5s)) << b->onlookerd_log();
  EXPECT_TRUE(eventually([&] { return logged(*a, "msg=\"alert firing\" rule=\"errors\""); }, 3s))
      << a->onlookerd_log();
  ASSERT_TRUE(receiver.wait_for(2, 5s));

  // Both nodes posting to the same receiver: each alert arrived once, from
  // the node that holds the lease; the other left both to it.
  std::this_thread::sleep_for(2s);
  const auto views = posts_of(receiver, "views");
  const auto errors = posts_of(receiver, "errors");
  ASSERT_EQ(views.size(), 1u);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(receiver.posts().size(), 2u);
  EXPECT_EQ(views[0].at("value"), 6);
  EXPECT_DOUBLE_EQ(errors[0].at("value").get<double>(), 25.0);
  const std::string poster = views[0].at("node");
  EXPECT_EQ(errors[0].at("node"), poster);
  const Stack& holder = poster == "web-a" ? *a : *b;
  const Stack& other = poster == "web-a" ? *b : *a;
  EXPECT_NE(metrics(holder).find("\nonlooker_alert_lease_held 1\n"), std::string::npos);
  EXPECT_NE(metrics(other).find("\nonlooker_alert_lease_held 0\n"), std::string::npos);
  EXPECT_NE(metrics(other).find("\nonlooker_alerts_left_to_lease_holder_total 2\n"),
            std::string::npos) << metrics(other);
  // Each node's own error records stay its own in /metrics.
  EXPECT_NE(metrics(*a).find("\nonlooker_page_errors_total 2\n"), std::string::npos);
  EXPECT_NE(metrics(*b).find("\nonlooker_page_errors_total 0\n"), std::string::npos);
}

TEST(ClusterAlerts, WhenThePostingNodeDiesAnotherPostsTheClear) {
  RedisServer redis;
  WebhookReceiver receiver;
  const std::vector<std::string> rules{"--alert", "busy: live > 1", "--active-window", "3"};
  auto a = alerting_node(redis, "web-a", receiver, rules);
  auto b = alerting_node(redis, "web-b", receiver, rules);
  ASSERT_TRUE(eventually([&] { return linked(*a) && linked(*b); }, 10s));
  ASSERT_EQ(get(*a, "/index.html", "10.21.0.1"), 200);
  ASSERT_EQ(get(*b, "/index.html", "10.21.0.2"), 200);
  ASSERT_TRUE(receiver.wait_for(1, 5s));
  const json firing = json::parse(receiver.posts()[0].body);
  EXPECT_EQ(firing.at("state"), "firing");
  const std::string poster = firing.at("node");
  Stack& holder = poster == "web-a" ? *a : *b;
  const std::string survivor = poster == "web-a" ? "web-b" : "web-a";

  // The holder is killed (no lease given back): after the lease's 5 s the
  // other node holds it; the visitors leave after 3 s, the rule clears 10 s
  // later, and the survivor posts that, once.
  holder.stop_onlookerd(SIGKILL);
  ASSERT_TRUE(receiver.wait_for(2, 25s));
  std::this_thread::sleep_for(1500ms);
  ASSERT_EQ(receiver.posts().size(), 2u);
  const json cleared = json::parse(receiver.posts()[1].body);
  EXPECT_EQ(cleared.at("rule"), "busy");
  EXPECT_EQ(cleared.at("state"), "cleared");
  EXPECT_EQ(cleared.at("node"), survivor);
}

}  // namespace
}  // namespace onlooker
