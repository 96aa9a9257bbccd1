// --alert with real parts: views through Debian's nginx make a live-count rule
// fire in onlookerd's log and /metrics, and reach a real local webhook
// receiver (firing, then cleared; after the receiver comes up late).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <thread>

#include "sqlite_db.h"
#include "sqlite_history_reader.h"
#include "support/http_client.h"
#include "support/stack.h"
#include "support/test_certificates.h"
#include "support/webhook_receiver.h"

namespace onlooker {
namespace {

using namespace std::chrono_literals;
using test::eventually;
using test::http_get;
using test::Stack;
using test::WebhookReceiver;

TEST(Alerts, LiveRuleFiresInTheLogAndMetricsWithinSeconds) {
  Stack stack({.onlookerd_args = {"--alert", "busy: live > 1",
                                  "--alert", "checkout: live{path=/about.html} > 0"}});
  auto metrics = [&] { return http_get(stack.site_port(), "/onlooker/metrics").body; };
  EXPECT_NE(metrics().find("onlooker_alerts_firing 0"), std::string::npos) << metrics();
  for (const char* client : {"10.8.0.1", "10.8.0.2"}) {
    ASSERT_EQ(http_get(stack.site_port(), "/index.html", {{"X-Forwarded-For", client}}).status, 200);
  }
  EXPECT_TRUE(eventually([&] {
    return stack.onlookerd_log().find("msg=\"alert firing\" rule=\"busy\" condition=\"live > 1\" value=2") !=
           std::string::npos;
  }, 3s)) << stack.onlookerd_log();
  EXPECT_EQ(stack.onlookerd_log().find("rule=\"checkout\""), std::string::npos);
  ASSERT_EQ(http_get(stack.site_port(), "/about.html", {{"X-Forwarded-For", "10.8.0.3"}}).status, 200);
  EXPECT_TRUE(eventually([&] {
    return stack.onlookerd_log().find("msg=\"alert firing\" rule=\"checkout\"") != std::string::npos;
  }, 3s)) << stack.onlookerd_log();
  EXPECT_NE(metrics().find("onlooker_alerts_fired_total 2"), std::string::npos) << metrics();
  EXPECT_NE(metrics().find("onlooker_alerts_firing 2"), std::string::npos);
  // And the history's alerts table.
  SqliteHistoryReader history(stack.db_path());
  EXPECT_TRUE(eventually([&] { return history.alerts(0, INT64_MAX).size() == 2; }, 3s));
  const auto rows = history.alerts(0, INT64_MAX);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].rule, "busy");
  EXPECT_EQ(rows[0].condition, "live > 1");
  EXPECT_EQ(rows[0].value, 2);
  EXPECT_EQ(rows[0].state, "firing");
  EXPECT_EQ(rows[1].rule, "checkout");
  EXPECT_GT(rows[1].time_ms, rows[0].time_ms);
}

// nginx answers 500 on a tracked page: the module's error record reaches
// onlookerd, and the share of the last minute's tracked requests fires.
TEST(Alerts, ServerErrorsOnATrackedPageFireTheStatus5xxShareRule) {
  WebhookReceiver receiver;
  Stack stack({.onlookerd_args = {"--alert", "errors: status5xx_share{live} > 5%",
                                  "--alert-webhook", receiver.url("/hooks")},
               .server_directives = "location = /checkout.html { return 500; }"});
  for (int i = 0; i < 19; ++i) {
    const std::string client = "10.7.0." + std::to_string(i + 1);
    ASSERT_EQ(http_get(stack.site_port(), "/index.html", {{"X-Forwarded-For", client}}).status, 200);
  }
  ASSERT_EQ(http_get(stack.site_port(), "/checkout.html", {{"X-Forwarded-For", "10.7.1.1"}}).status, 500);
  // 1 of 20: exactly 5%, not above.
  std::this_thread::sleep_for(2500ms);
  EXPECT_EQ(stack.onlookerd_log().find("rule=\"errors\""), std::string::npos) << stack.onlookerd_log();
  EXPECT_EQ(receiver.posts().size(), 0u);
  ASSERT_EQ(http_get(stack.site_port(), "/checkout.html", {{"X-Forwarded-For", "10.7.1.2"}}).status, 500);
  const auto second_error = std::chrono::steady_clock::now();
  ASSERT_TRUE(receiver.wait_for(1, 5s)) << stack.onlookerd_log();
  EXPECT_LT(receiver.posts()[0].arrived - second_error, 3s);
  const auto body = nlohmann::json::parse(receiver.posts()[0].body);
  EXPECT_EQ(body["rule"], "errors");
  EXPECT_EQ(body["condition"], "status5xx_share{live} > 5%");
  EXPECT_DOUBLE_EQ(body["value"].get<double>(), 100.0 * 2 / 21);
  EXPECT_EQ(body["state"], "firing");
  // Not page views: neither live nor in history, but counted.
  EXPECT_EQ(nlohmann::json::parse(http_get(stack.site_port(), "/onlooker/api/live").body)["active"], 19);
  const auto metrics = http_get(stack.site_port(), "/onlooker/metrics").body;
  EXPECT_NE(metrics.find("onlooker_page_errors_total 2"), std::string::npos) << metrics;
  sqlite::Database db(stack.db_path(), SQLITE_OPEN_READONLY);
  db.exec("PRAGMA busy_timeout = 2000");
  EXPECT_TRUE(eventually([&] { return db.query_int("SELECT count(*) FROM hits") == 19; }, 3s));
  EXPECT_EQ(db.query_int("SELECT count(*) FROM hits WHERE path = '/checkout.html'"), 0);
}

TEST(Alerts, WebhookGetsTheFiringAndTheClearedPost) {
  WebhookReceiver receiver;
  // A 3 s window: the visitor is gone 3 s after the view, the rule clears
  // 10 s (the clear hold) later. (A 1 s window was shorter than a loaded
  // machine's drain delay: the view could arrive already out of the window.)
  Stack stack({.onlookerd_args = {"--alert", "busy: live > 0", "--alert-webhook",
                                  receiver.url("/hooks/onlooker"), "--active-window", "3",
                                  "--node", "edge-1"}});
  const auto viewed = std::chrono::steady_clock::now();
  ASSERT_EQ(http_get(stack.site_port(), "/index.html", {{"X-Forwarded-For", "10.9.0.1"}}).status, 200);
  ASSERT_TRUE(receiver.wait_for(1, 8s)) << stack.onlookerd_log();
  const auto firing = receiver.posts()[0];
  EXPECT_LT(firing.arrived - viewed, 5s);  // the T + 5 s (p99 in bench/)
  EXPECT_EQ(firing.method, "POST");
  EXPECT_EQ(firing.target, "/hooks/onlooker");
  const auto body = nlohmann::json::parse(firing.body);
  EXPECT_EQ(body["rule"], "busy");
  EXPECT_EQ(body["condition"], "live > 0");
  EXPECT_EQ(body["value"], 1);
  EXPECT_EQ(body["state"], "firing");
  EXPECT_EQ(body["node"], "edge-1");
  EXPECT_EQ(body["time"].get<std::string>().size(), 24u);  // 2026-12-03T05:40:01.123Z
  ASSERT_TRUE(receiver.wait_for(2, 25s)) << stack.onlookerd_log();
  const auto cleared = nlohmann::json::parse(receiver.posts()[1].body);
  EXPECT_EQ(cleared["state"], "cleared");
  EXPECT_EQ(cleared["value"], 0);
  EXPECT_GT(cleared["time_ms"].get<std::int64_t>(), body["time_ms"].get<std::int64_t>() + 10'000);
  const auto metrics = http_get(stack.site_port(), "/onlooker/metrics").body;
  EXPECT_NE(metrics.find("onlooker_alert_deliveries_total{result=\"ok\"} 2"), std::string::npos) << metrics;
  EXPECT_EQ(receiver.posts().size(), 2u);
}

// https:// with --alert-webhook-ca: the test's own CA signed the receiver's
// certificate; onlookerd trusts it besides the system's store.
TEST(Alerts, AnHttpsWebhookSignedByTheAddedCaGetsTheAlert) {
  test::TestCertificates certificates;
  const auto leaf = certificates.leaf("receiver", "IP:127.0.0.1");
  WebhookReceiver receiver(0, 200, test::ReceiverTls{leaf.certificate, leaf.key});
  Stack stack({.onlookerd_args = {"--alert", "busy: live > 0", "--alert-webhook",
                                  receiver.url("/tls"), "--alert-webhook-ca",
                                  certificates.ca_file()}});
  ASSERT_EQ(http_get(stack.site_port(), "/index.html", {{"X-Forwarded-For", "10.9.0.3"}}).status, 200);
  ASSERT_TRUE(receiver.wait_for(1, 5s)) << stack.onlookerd_log();
  EXPECT_EQ(nlohmann::json::parse(receiver.posts()[0].body)["state"], "firing");
  EXPECT_EQ(receiver.failed_handshakes(), 0);
}

TEST(Alerts, AReceiverDownForAWhileGetsTheSlackAlertAfterRetries) {
  const unsigned short port = test::free_port();
  Stack stack({.onlookerd_args = {"--alert", "busy: live > 0", "--alert-webhook",
                                  "http://127.0.0.1:" + std::to_string(port) + "/mm",
                                  "--alert-format", "slack"}});
  ASSERT_EQ(http_get(stack.site_port(), "/index.html", {{"X-Forwarded-For", "10.9.0.2"}}).status, 200);
  ASSERT_TRUE(eventually([&] {
    return stack.onlookerd_log().find("msg=\"alert webhook failed; retrying\" webhook=127.0.0.1:" +
                                      std::to_string(port)) != std::string::npos;
  }, 5s)) << stack.onlookerd_log();
  std::this_thread::sleep_for(1s);  // down a while: a few more tries fail
  WebhookReceiver receiver(port);
  ASSERT_TRUE(receiver.wait_for(1, 10s)) << stack.onlookerd_log();
  const auto body = nlohmann::json::parse(receiver.posts()[0].body);
  ASSERT_EQ(body.size(), 1u) << body.dump();
  EXPECT_NE(body["text"].get<std::string>().find("*busy* firing: `live > 0` (value 1)"),
            std::string::npos) << body.dump();
  const auto metrics = http_get(stack.site_port(), "/onlooker/metrics").body;
  EXPECT_NE(metrics.find("onlooker_alert_deliveries_total{result=\"ok\"} 1"), std::string::npos) << metrics;
  EXPECT_EQ(metrics.find("onlooker_alert_deliveries_total{result=\"retry\"} 0"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("onlooker_alert_deliveries_total{result=\"failed\"} 0"), std::string::npos);
}

}  // namespace
}  // namespace onlooker
