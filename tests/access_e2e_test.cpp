// --token and --allowed-origin through real nginx: who gets in, who does
// not, and what stays public.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/http_client.h"
#include "support/stack.h"

namespace onlooker {
namespace {

using namespace std::chrono_literals;
using test::http_get;
using test::Stack;
using test::WebSocketClient;

constexpr const char* token = "s3cret-token-for-tests";

Stack token_stack() { return Stack({.onlookerd_args = {"--token", token}}); }

TEST(Access, WithATokenOnlyPublicEndpointsAnswerWithoutIt) {
  Stack stack = token_stack();
  const auto port = stack.site_port();
  EXPECT_EQ(http_get(port, "/onlooker/api/live").status, 401);
  EXPECT_EQ(http_get(port, "/onlooker/api/history").status, 401);
  EXPECT_EQ(http_get(port, "/onlooker/metrics").status, 401);
  EXPECT_EQ(http_get(port, "/onlooker/api/live", {{"Authorization", "Bearer wrong-token-xxxxxx"}})
                .status,
            401);
  EXPECT_EQ(http_get(port, "/onlooker/api/live", {{"Authorization", std::string("Bearer ") + token}})
                .status,
            200);
  EXPECT_EQ(http_get(port, "/onlooker/api/history", {{"Authorization", std::string("Bearer ") + token}})
                .status,
            200);
  // Public by design.
  EXPECT_EQ(http_get(port, "/onlooker/api/count").status, 200);
  EXPECT_EQ(http_get(port, "/onlooker/healthz").status, 200);
  EXPECT_EQ(http_get(port, "/onlooker/beacon.js").status, 200);
  WebSocketClient counter(port, "/onlooker/ws?count");
  EXPECT_TRUE(counter.read(5s).has_value());
  EXPECT_THROW(WebSocketClient(port, "/onlooker/ws"), std::exception);
  WebSocketClient dashboard(port, "/onlooker/ws",
                            {{"Authorization", std::string("Bearer ") + token}});
  EXPECT_TRUE(dashboard.read(5s).has_value());
}

TEST(Access, TheDashboardSendsStrangersToALoginFormThatSetsACookie) {
  Stack stack = token_stack();
  const auto port = stack.site_port();
  const auto page = http_get(port, "/onlooker/");
  EXPECT_EQ(page.status, 303);
  EXPECT_EQ(page.headers.at("location"), "login");
  const auto form = http_get(port, "/onlooker/login");
  EXPECT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("<form method=\"post\""), std::string::npos);

  // POST the form with curl (the test client only GETs).
  const auto url = "http://127.0.0.1:" + std::to_string(port) + "/onlooker/login";
  const auto login = test::run_command({"/usr/bin/curl", "-sS", "-D", "-", "-o", "/dev/null",
                                        "--data", std::string("token=") + token, url});
  ASSERT_EQ(login.status, 0) << login.output;
  EXPECT_NE(login.output.find("303"), std::string::npos) << login.output;
  const std::string cookie_line = "onlooker_token=" + std::string(token) + "; Path=/; HttpOnly; SameSite=Strict";
  EXPECT_NE(login.output.find(cookie_line), std::string::npos) << login.output;
  EXPECT_EQ(http_get(port, "/onlooker/", {{"Cookie", std::string("onlooker_token=") + token}}).status,
            200);
  const auto wrong = test::run_command({"/usr/bin/curl", "-sS", "-o", "/dev/null", "-w",
                                        "%{http_code}", "--data", "token=nope", url});
  EXPECT_EQ(wrong.output, "401");
}

TEST(Access, WrongTokensAreRateLimited) {
  Stack stack = token_stack();
  int last = 0;
  for (int i = 0; i < 8; ++i) {
    last = http_get(stack.site_port(), "/onlooker/api/live",
                    {{"Authorization", "Bearer guess-" + std::to_string(i) + "-aaaaaaaaaa"}})
               .status;
  }
  EXPECT_EQ(last, 429);
}

TEST(Access, WebSocketsFromAnotherOriginAreRefused) {
  Stack stack;
  const auto port = stack.site_port();
  const std::string own = "http://127.0.0.1:" + std::to_string(port);
  EXPECT_THROW(WebSocketClient(port, "/onlooker/ws", {{"Origin", "http://evil.example"}}),
               std::exception);
  WebSocketClient same(port, "/onlooker/ws", {{"Origin", own}});
  EXPECT_TRUE(same.read(5s).has_value());

  Stack allowing({.onlookerd_args = {"--allowed-origin", "https://dash.example"}});
  WebSocketClient allowed(allowing.site_port(), "/onlooker/ws",
                          {{"Origin", "https://dash.example"}});
  EXPECT_TRUE(allowed.read(5s).has_value());
  EXPECT_THROW(WebSocketClient(allowing.site_port(), "/onlooker/ws",
                               {{"Origin", "http://127.0.0.1:" +
                                               std::to_string(allowing.site_port())}}),
               std::exception);
}

TEST(Access, HistoryEndpointValidatesItsParameters) {
  Stack stack;
  const auto bad = http_get(stack.site_port(), "/onlooker/api/history?from=abc");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(nlohmann::json::parse(bad.body).at("error"), "from must be unix time in milliseconds");
  const auto good = http_get(stack.site_port(), "/onlooker/api/history?bucket=day");
  EXPECT_EQ(good.status, 200);
  EXPECT_EQ(nlohmann::json::parse(good.body).at("bucket"), "day");
  // Widening `to` to a whole bucket overflowed: 200 with a negative `to`.
  const auto huge = http_get(stack.site_port(),
                             "/onlooker/api/history?from=9223372036854775806&to=9223372036854775807");
  EXPECT_EQ(huge.status, 400) << huge.body;
}

}  // namespace
}  // namespace onlooker
