// --token and --allowed-origin through real nginx: who gets in, who does
// not, and what stays public.
#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <string>
#include <vector>

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

// Installed default: no token, and onlookerd behind nginx. Every request
// comes from loopback; the proxy's headers and the Host tell them apart.
TEST(Access, WithoutATokenProxiedRequestsGetNoPrivateEndpoints) {
  Stack stack({.open = false});
  const auto port = stack.site_port();
  EXPECT_EQ(http_get(port, "/onlooker/api/live").status, 401);
  EXPECT_EQ(http_get(port, "/onlooker/api/history").status, 401);
  EXPECT_EQ(http_get(port, "/onlooker/metrics").status, 401);
  EXPECT_EQ(http_get(port, "/onlooker/api/access").status, 401);
  EXPECT_THROW(WebSocketClient(port, "/onlooker/ws"), std::exception);
  const auto page = http_get(port, "/onlooker/");
  EXPECT_EQ(page.status, 401);
  EXPECT_NE(page.body.find("sudo dpkg-reconfigure onlooker"), std::string::npos) << page.body;
  // The site's real name, as nginx passes it: the explaining page too.
  const auto named = http_get(port, "/onlooker/", {{"Host", "www.example.com"}});
  EXPECT_EQ(named.status, 401);
  EXPECT_NE(named.body.find("sudo dpkg-reconfigure onlooker"), std::string::npos) << named.body;
  // A client naming onlookerd's own address through nginx is still proxied.
  const std::string own = "127.0.0.1:" + std::to_string(stack.api_port());
  EXPECT_EQ(http_get(port, "/onlooker/api/live", {{"Host", own}}).status, 401);
  // Public by design.
  EXPECT_EQ(http_get(port, "/onlooker/api/count").status, 200);
  EXPECT_EQ(http_get(port, "/onlooker/widget.js").status, 200);
  EXPECT_EQ(http_get(port, "/onlooker/beacon.js").status, 200);
  EXPECT_EQ(http_get(port, "/onlooker/healthz").status, 200);
  EXPECT_EQ(http_get(port, "/onlooker/login").status, 200);
  WebSocketClient counter(port, "/onlooker/ws?count");
  EXPECT_TRUE(counter.read(5s).has_value());

  // This machine itself, straight to onlookerd: served.
  const auto api = stack.api_port();
  EXPECT_EQ(http_get(api, "/api/live").status, 200);
  EXPECT_EQ(http_get(api, "/").status, 200);
  WebSocketClient local(api, "/ws");
  EXPECT_TRUE(local.read(5s).has_value());
  // ... unless it carries a proxy's header, or another Host (DNS rebinding).
  EXPECT_EQ(http_get(api, "/api/live", {{"X-Forwarded-For", "203.0.113.9"}}).status, 401);
  EXPECT_EQ(http_get(api, "/api/live", {{"Via", "1.1 proxy"}}).status, 401);
  EXPECT_EQ(http_get(api, "/api/live", {{"Host", "rebound.example:80"}}).status, 401);
  EXPECT_EQ(http_get(api, "/api/live", {{"Host", "localhost:9"}}).status, 200);
}

TEST(Access, WithATokenTheProxiedDashboardAndSocketNeedIt) {
  Stack stack({.onlookerd_args = {"--token", token}, .open = false});
  const auto port = stack.site_port();
  const std::map<std::string, std::string> bearer{{"Authorization", std::string("Bearer ") + token}};
  EXPECT_EQ(http_get(port, "/onlooker/").status, 303);  // to the sign-in form
  EXPECT_EQ(http_get(port, "/onlooker/", bearer).status, 200);
  EXPECT_EQ(http_get(port, "/onlooker/metrics", bearer).status, 200);
  EXPECT_THROW(WebSocketClient(port, "/onlooker/ws"), std::exception);
  WebSocketClient dashboard(port, "/onlooker/ws", bearer);
  EXPECT_TRUE(dashboard.read(5s).has_value());
  EXPECT_EQ(http_get(port, "/onlooker/api/count").status, 200);
  EXPECT_EQ(http_get(port, "/onlooker/widget.js").status, 200);
}

// --open (scripts/run.sh): anyone, but only under a name this server has.
TEST(Access, OpenWithoutATokenStillRefusesUnknownHosts) {
  Stack stack;
  const auto port = stack.site_port();
  EXPECT_EQ(http_get(port, "/onlooker/api/live").status, 200);
  EXPECT_EQ(http_get(port, "/onlooker/api/live", {{"Host", "attacker.example"}}).status, 403);
  Stack named({.onlookerd_args = {"--public-url", "https://stats.example/onlooker/"}});
  EXPECT_EQ(http_get(named.site_port(), "/onlooker/api/live", {{"Host", "stats.example"}}).status,
            200);
  const auto access = nlohmann::json::parse(http_get(port, "/onlooker/api/access").body);
  EXPECT_EQ(access.at("token"), false);
  EXPECT_EQ(access.at("open"), true);
  EXPECT_EQ(access.at("network"), false);
}

TEST(Access, PagesCannotBeFramedAndRunNoInlineScript) {
  Stack stack({.onlookerd_args = {"--token", token}});
  const auto page = http_get(stack.site_port(), "/onlooker/",
                             {{"Authorization", std::string("Bearer ") + token}});
  const auto form = http_get(stack.site_port(), "/onlooker/login");
  for (const auto* answer : {&page, &form}) {
    ASSERT_EQ(answer->status, 200);
    const auto& policy = answer->headers.at("content-security-policy");
    EXPECT_NE(policy.find("frame-ancestors 'none'"), std::string::npos) << policy;
    EXPECT_NE(policy.find("script-src 'self'"), std::string::npos) << policy;
    EXPECT_EQ(policy.find("script-src 'self' 'unsafe-inline'"), std::string::npos) << policy;
    EXPECT_EQ(answer->headers.at("x-frame-options"), "DENY");
    EXPECT_EQ(answer->body.find("<script>"), std::string::npos);  // no inline script
  }
}

TEST(Access, TheLoginFormRefusesCrossSitePostsAndSetsSecureBehindHttps) {
  Stack stack({.onlookerd_args = {"--token", token}});
  const auto site = "http://127.0.0.1:" + std::to_string(stack.site_port());
  auto post = [&](const std::string& url, std::vector<std::string> headers) {
    std::vector<std::string> argv{"/usr/bin/curl", "-sS", "-D", "-", "-o", "/dev/null",
                                  "--data", std::string("token=") + token};
    for (const auto& header : headers) {
      argv.push_back("-H");
      argv.push_back(header);
    }
    argv.push_back(url);
    return test::run_command(argv).output;
  };
  EXPECT_NE(post(site + "/onlooker/login", {"Origin: http://evil.example"}).find(" 403"),
            std::string::npos);
  EXPECT_NE(post(site + "/onlooker/login", {"Sec-Fetch-Site: cross-site"}).find(" 403"),
            std::string::npos);
  EXPECT_NE(post(site + "/onlooker/login", {"Origin: https://127.0.0.1:" +
                                                std::to_string(stack.site_port())})
                .find(" 403"),
            std::string::npos);  // https page, http site: another origin
  const auto same = post(site + "/onlooker/login", {"Origin: " + site, "Sec-Fetch-Site: same-origin"});
  EXPECT_NE(same.find(" 303"), std::string::npos) << same;
  EXPECT_EQ(same.find("Secure"), std::string::npos) << same;  // plain http
  // Behind an https proxy (its X-Forwarded-Proto), or with an https --public-url.
  const auto api = "http://127.0.0.1:" + std::to_string(stack.api_port()) + "/login";
  const auto secure = post(api, {"X-Forwarded-Proto: https"});
  EXPECT_NE(secure.find("SameSite=Strict; Max-Age=2592000; Secure"), std::string::npos) << secure;
  Stack https({.onlookerd_args = {"--token", token, "--public-url", "https://stats.example/"}});
  const auto by_url = post("http://127.0.0.1:" + std::to_string(https.api_port()) + "/login", {});
  EXPECT_NE(by_url.find("; Secure"), std::string::npos) << by_url;
}

TEST(Access, WebSocketOriginMustMatchTheSitesScheme) {
  Stack stack;
  const auto port = stack.site_port();
  EXPECT_THROW(WebSocketClient(port, "/onlooker/ws",
                               {{"Origin", "https://127.0.0.1:" + std::to_string(port)}}),
               std::exception);
  WebSocketClient same(port, "/onlooker/ws", {{"Origin", "http://127.0.0.1:" + std::to_string(port)}});
  EXPECT_TRUE(same.read(5s).has_value());
}

// One rule for the public count: any origin, over HTTP and WebSocket alike.
TEST(Access, ThePublicCountAnswersEveryOrigin) {
  Stack stack;
  const auto port = stack.site_port();
  const auto count = http_get(port, "/onlooker/api/count", {{"Origin", "http://blog.example"}});
  EXPECT_EQ(count.headers.at("access-control-allow-origin"), "*");
  WebSocketClient counter(port, "/onlooker/ws?count", {{"Origin", "http://blog.example"}});
  EXPECT_TRUE(counter.read(5s).has_value());
}

TEST(Access, LoginUrlPrintsTheSignInLinkThatTheFormPosts) {
  Stack stack({.onlookerd_args = {"--token", token}});
  const auto site = "http://127.0.0.1:" + std::to_string(stack.site_port()) + "/onlooker/";
  const auto printed = test::run_command({test::onlookerd_path(), "--ring", stack.ring_path(),
                                          "--db", stack.db_path(), "--token", token,
                                          "--public-url", site, "--login-url"});
  EXPECT_EQ(printed.status, 0);
  EXPECT_EQ(printed.output, site + "login#token=" + token + "\n");
  const auto without = test::run_command({test::onlookerd_path(), "--ring", stack.ring_path(),
                                          "--db", stack.db_path(), "--login-url"});
  EXPECT_EQ(without.status, 1);
  // The form's page loads login.js (which posts the fragment's token), public.
  EXPECT_NE(http_get(stack.site_port(), "/onlooker/login").body.find("src=\"login.js\""),
            std::string::npos);
  const auto script = http_get(stack.site_port(), "/onlooker/login.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_NE(script.body.find("#token="), std::string::npos);
}

// --listen beyond loopback without a token: said loudly at start and, through
// /api/access, on the dashboard; the private endpoints still answer only
// this machine.
TEST(Access, ListeningBeyondLoopbackWithoutATokenWarns) {
  Stack stack({.start_onlookerd = false});
  const auto port = test::free_port();
  const auto log = stack.dir().file("wide.log");
  test::Process wide({test::onlookerd_path(), "--ring", stack.ring_path(), "--db", stack.db_path(),
                      "--listen", "0.0.0.0:" + std::to_string(port)},
                     log);
  ASSERT_TRUE(test::eventually(
      [&] {
        try {
          return http_get(port, "/healthz").status == 200;
        } catch (const std::exception&) {
          return false;
        }
      },
      10s));
  EXPECT_NE(test::read_file(log).find("listening beyond loopback without a token"),
            std::string::npos)
      << test::read_file(log);
  const auto access = nlohmann::json::parse(http_get(port, "/api/access").body);
  EXPECT_EQ(access.at("network"), true);
  EXPECT_EQ(access.at("token"), false);
  EXPECT_EQ(http_get(port, "/api/live", {{"X-Real-IP", "198.51.100.7"}}).status, 401);
  wide.stop(SIGTERM);
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
