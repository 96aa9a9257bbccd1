// Webhook delivery in-process with a real local receiver: bodies (json,
// slack), URLs, order, retries with backoff, giving up, a full queue.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <variant>

#include "alert_delivery.h"
#include "alert_format.h"
#include "metrics.h"
#include "options.h"
#include "support/process.h"
#include "support/webhook_receiver.h"
#include "webhook_url.h"

namespace onlooker {
namespace {

using namespace std::chrono_literals;
using test::WebhookReceiver;

WebhookUrl url(const std::string& text) {
  auto parsed = parse_webhook_url(text);
  if (const auto* error = std::get_if<std::string>(&parsed)) ADD_FAILURE() << *error;
  return std::get_if<WebhookUrl>(&parsed) ? std::get<WebhookUrl>(parsed) : WebhookUrl{};
}

std::string url_error(const std::string& text) {
  auto parsed = parse_webhook_url(text);
  return std::get_if<std::string>(&parsed) ? std::get<std::string>(parsed) : "(parsed)";
}

const AlertNotice busy_firing{"busy", "live > 1", 2, true, 1'796'276'401'123};  // 2026-12-03
const AlertNotice busy_cleared{"busy", "live > 1", 0, false, 1'796'276'461'000};

TEST(AlertFormat, JsonNamesRuleConditionValueStateAndIsoTime) {
  const auto body = nlohmann::json::parse(alert_body(busy_firing, AlertFormat::json, "web-1"));
  EXPECT_EQ(body["rule"], "busy");
  EXPECT_EQ(body["condition"], "live > 1");
  EXPECT_EQ(body["value"], 2);
  EXPECT_TRUE(body["value"].is_number_integer());
  EXPECT_EQ(body["state"], "firing");
  EXPECT_EQ(body["time"], "2026-12-03T05:40:01.123Z");
  EXPECT_EQ(body["time_ms"], 1'796'276'401'123);
  EXPECT_EQ(body["node"], "web-1");
  const auto cleared = nlohmann::json::parse(alert_body(busy_cleared, AlertFormat::json, "n"));
  EXPECT_EQ(cleared["state"], "cleared");
  EXPECT_EQ(cleared["time"], "2026-12-03T05:41:01.000Z");
  AlertNotice share = busy_firing;
  share.value = 0.0625;
  EXPECT_EQ(nlohmann::json::parse(alert_body(share, AlertFormat::json, "n"))["value"], 0.0625);
}

TEST(AlertFormat, SlackIsOneTextField) {
  const auto body = nlohmann::json::parse(alert_body(busy_firing, AlertFormat::slack, "web-1"));
  ASSERT_EQ(body.size(), 1u) << body.dump();
  const std::string text = body["text"];
  EXPECT_NE(text.find("*busy* firing: `live > 1` (value 2) at 2026-12-03T05:40:01.123Z on web-1"),
            std::string::npos) << text;
  const std::string cleared =
      nlohmann::json::parse(alert_body(busy_cleared, AlertFormat::slack, "n"))["text"];
  EXPECT_NE(cleared.find("*busy* cleared"), std::string::npos) << cleared;
  EXPECT_EQ(parse_alert_format("slack"), AlertFormat::slack);
  EXPECT_EQ(parse_alert_format("json"), AlertFormat::json);
  EXPECT_EQ(parse_alert_format("xml"), std::nullopt);
}

TEST(WebhookUrl, TakesHttpAndHttpsUrlsAndRefusesBadOnesWithAReason) {
  const WebhookUrl plain = url("http://hooks.example/services/T0/B0?x=1");
  EXPECT_EQ(plain.host, "hooks.example");
  EXPECT_EQ(plain.port, "80");
  EXPECT_EQ(plain.target, "/services/T0/B0?x=1");
  EXPECT_EQ(plain.host_header, "hooks.example");
  EXPECT_EQ(plain.describe(), "hooks.example:80");
  const WebhookUrl ported = url("HTTP://127.0.0.1:8065");
  EXPECT_EQ(ported.port, "8065");
  EXPECT_EQ(ported.target, "/");
  EXPECT_EQ(ported.host_header, "127.0.0.1:8065");
  const WebhookUrl v6 = url("http://[::1]:9000/h");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.describe(), "[::1]:9000");
  EXPECT_FALSE(plain.tls);
  const WebhookUrl slack = url("HTTPS://hooks.slack.com/services/T0/B0");
  EXPECT_TRUE(slack.tls);
  EXPECT_EQ(slack.host, "hooks.slack.com");
  EXPECT_EQ(slack.port, "443");
  EXPECT_EQ(slack.target, "/services/T0/B0");
  EXPECT_EQ(url("https://127.0.0.1:8443/h").port, "8443");
  EXPECT_EQ(url_error("ftp://x/"), "expected an http:// or https:// URL");
  EXPECT_EQ(url_error("https://u:p@x/"), "credentials in the URL (user@host) are not supported");
  EXPECT_EQ(url_error("http://:80/"), "no host");
  EXPECT_EQ(url_error("http://x:0/"), "the port must be 1..65535");
  EXPECT_EQ(url_error("http://x:99999/"), "the port must be 1..65535");
  EXPECT_EQ(url_error("http://u:p@x/"), "credentials in the URL (user@host) are not supported");
  EXPECT_EQ(url_error("http://x/a b"), "the URL holds spaces or control characters");
}

TEST(WebhookUrl, BadWebhookOrFormatExitsTwoWithoutEchoingTheUrl) {
  const auto bad = parse_options({"onlookerd", "--ring", "/r", "--db", "/d", "--alert-webhook",
                                  "https://hook:SECRET@hooks.example/services/SECRET"});
  ASSERT_TRUE(std::holds_alternative<ParseExit>(bad));
  EXPECT_EQ(std::get<ParseExit>(bad).status, 2);
  EXPECT_NE(std::get<ParseExit>(bad).text.find("invalid --alert-webhook: credentials"), std::string::npos);
  EXPECT_EQ(std::get<ParseExit>(bad).text.find("SECRET"), std::string::npos);
  const auto format = parse_options({"onlookerd", "--ring", "/r", "--db", "/d", "--alert-format", "xml"});
  ASSERT_TRUE(std::holds_alternative<ParseExit>(format));
  EXPECT_EQ(std::get<ParseExit>(format).status, 2);
  EXPECT_NE(std::get<ParseExit>(format).text.find("invalid --alert-format 'xml'"), std::string::npos);
  const auto good = parse_options({"onlookerd", "--ring", "/r", "--db", "/d", "--alert-webhook",
                                   "http://a/1", "--alert-webhook", "http://b:81/2",
                                   "--alert-format", "slack"});
  ASSERT_TRUE(std::holds_alternative<Options>(good));
  EXPECT_EQ(std::get<Options>(good).alert_webhooks.size(), 2u);
  EXPECT_EQ(std::get<Options>(good).alert_format, AlertFormat::slack);
  EXPECT_EQ(std::get<Options>(parse_options({"onlookerd", "--ring", "/r", "--db", "/d"})).alert_format,
            AlertFormat::json);
}

TEST(AlertDelivery, PostsEachAlertInOrderToEveryWebhook) {
  WebhookReceiver first, second;
  AlertDelivery delivery({url(first.url("/a")), url(second.url("/b"))}, AlertFormat::json, "n");
  delivery.alert(busy_firing);
  delivery.alert(busy_cleared);
  ASSERT_TRUE(first.wait_for(2, 5s));
  ASSERT_TRUE(second.wait_for(2, 5s));
  const auto posts = first.posts();
  EXPECT_EQ(posts[0].method, "POST");
  EXPECT_EQ(posts[0].target, "/a");
  EXPECT_EQ(posts[0].content_type, "application/json");
  EXPECT_EQ(nlohmann::json::parse(posts[0].body)["state"], "firing");
  EXPECT_EQ(nlohmann::json::parse(posts[1].body)["state"], "cleared");
  EXPECT_EQ(second.posts()[0].target, "/b");
  EXPECT_TRUE(test::eventually([&] { return delivery.counts().ok == 4; }, 2s));
  EXPECT_EQ(delivery.counts().retry, 0u);
}

TEST(AlertDelivery, RetriesWithBackoffUntilTheReceiverAnswers) {
  const unsigned short port = test::free_port();
  AlertDelivery delivery({url("http://127.0.0.1:" + std::to_string(port) + "/late")},
                         AlertFormat::json, "n",
                         {.first_retry = 100ms, .max_retry = 400ms});
  const auto sent = std::chrono::steady_clock::now();
  delivery.alert(busy_firing);
  delivery.alert(busy_cleared);
  // Nobody listens: tries at 0, 0.1, 0.3, 0.7 s fail.
  ASSERT_TRUE(test::eventually([&] { return delivery.counts().retry >= 3; }, 5s));
  EXPECT_EQ(delivery.counts().ok, 0u);
  WebhookReceiver receiver(port, 503);  // up, but failing: still retried
  ASSERT_TRUE(receiver.wait_for(1, 5s));
  receiver.set_status(204);
  ASSERT_TRUE(receiver.wait_for(3, 5s));
  EXPECT_TRUE(test::eventually([&] { return delivery.counts().ok == 2; }, 2s));
  const auto posts = receiver.posts();
  EXPECT_EQ(nlohmann::json::parse(posts[posts.size() - 2].body)["state"], "firing");
  EXPECT_EQ(nlohmann::json::parse(posts.back().body)["state"], "cleared");
  EXPECT_GE(posts.front().arrived - sent, 700ms);  // backoff, not a tight loop
  EXPECT_EQ(delivery.counts().failed, 0u);
  EXPECT_EQ(delivery.queued(), 0u);
}

TEST(AlertDelivery, GivesUpAfterItsTimeAndCountsFailedAndDropped) {
  const unsigned short port = test::free_port();
  AlertDelivery delivery({url("http://127.0.0.1:" + std::to_string(port) + "/")}, AlertFormat::json,
                         "n",
                         {.max_queued = 2, .first_retry = 50ms, .max_retry = 50ms,
                          .give_up_after = 300ms});
  for (int i = 0; i < 3; ++i) delivery.alert(busy_firing);
  EXPECT_EQ(delivery.counts().dropped, 1u);  // the queue holds two
  ASSERT_TRUE(test::eventually([&] { return delivery.counts().failed == 2; }, 5s));
  EXPECT_GE(delivery.counts().retry, 4u);
  EXPECT_EQ(delivery.queued(), 0u);
  Metrics metrics;
  delivery.add_metrics(metrics);
  const std::string text = metrics.render();
  EXPECT_NE(text.find("onlooker_alert_deliveries_total{result=\"failed\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("onlooker_alert_deliveries_total{result=\"dropped\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("onlooker_alert_deliveries_total{result=\"ok\"} 0\n"), std::string::npos);
  EXPECT_EQ(text.find("# TYPE onlooker_alert_deliveries_total counter"),
            text.rfind("# TYPE onlooker_alert_deliveries_total counter"));  // one TYPE line
}

}  // namespace
}  // namespace onlooker
