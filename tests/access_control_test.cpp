// AccessControl's rules without a server: which requests count as this
// machine's own, which Hosts are known, and the options that set them.
#include <gtest/gtest.h>

#include <chrono>

#include "access_control.h"
#include "options.h"

namespace onlooker {
namespace {

namespace http = boost::beast::http;

Request get(std::string host, std::initializer_list<std::pair<std::string, std::string>> headers = {}) {
  Request request{http::verb::get, "/api/live", 11};
  request.set(http::field::host, host);
  for (const auto& [name, value] : headers) request.set(name, value);
  return request;
}

Access check(AccessControl& access, const Request& request, bool loopback) {
  return access.check(request, loopback, std::chrono::steady_clock::now());
}

TEST(AccessControl, WithoutATokenOnlyThisMachineItselfIsServed) {
  AccessControl access({});
  EXPECT_EQ(check(access, get("127.0.0.1:9190"), true), Access::allowed);
  EXPECT_EQ(check(access, get("localhost:9190"), true), Access::allowed);
  EXPECT_EQ(check(access, get("[::1]:9190"), true), Access::allowed);
  EXPECT_EQ(check(access, get("127.0.0.1:9190"), false), Access::not_local);  // a peer elsewhere
  EXPECT_EQ(check(access, get("example.com"), true), Access::not_local);      // nginx's Host $http_host
  EXPECT_EQ(check(access, get("evil.example:9190"), true), Access::not_local);  // DNS rebinding
  for (const char* header : {"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto",
                             "X-Real-IP", "Via"}) {
    EXPECT_EQ(check(access, get("127.0.0.1:9190", {{header, "x"}}), true), Access::not_local) << header;
  }
}

TEST(AccessControl, OpenServesKnownHostsOnly) {
  AccessControl access({.token = "",
                        .allowed_origins = {"https://dash.example"},
                        .open = true,
                        .listen_host = "192.0.2.10",
                        .public_url = "https://Stats.Example:8443/onlooker/"});
  EXPECT_EQ(check(access, get("example.com", {{"X-Forwarded-Proto", "http"}}), true),
            Access::unknown_host);
  EXPECT_EQ(check(access, get("127.0.0.1:8080", {{"X-Forwarded-Proto", "http"}}), true),
            Access::allowed);
  EXPECT_EQ(check(access, get("192.0.2.10:9190"), false), Access::allowed);
  EXPECT_EQ(check(access, get("stats.example"), false), Access::allowed);
  EXPECT_EQ(check(access, get("dash.example"), false), Access::allowed);
}

TEST(AccessControl, ATokenIsNeededWhereverTheRequestComesFrom) {
  AccessControl access({.token = "sixteen-chars-token"});
  EXPECT_EQ(check(access, get("127.0.0.1:9190"), true), Access::unauthorized);
  EXPECT_EQ(check(access, get("x", {{"Authorization", "Bearer sixteen-chars-token"}}), false),
            Access::allowed);
}

TEST(AccessControl, HostNames) {
  EXPECT_EQ(host_name("Example.COM:8080"), "example.com");
  EXPECT_EQ(host_name("[::1]:9190"), "::1");
  EXPECT_EQ(host_name("https://user@stats.example:8443/onlooker/"), "stats.example");
  EXPECT_TRUE(loopback_name("127.0.0.2"));
  EXPECT_TRUE(loopback_name("localhost"));
  EXPECT_FALSE(loopback_name("127.example"));
  EXPECT_FALSE(loopback_name("localhost.evil.example"));
}

TEST(AccessOptions, FlagsAndTheSignInLink) {
  const auto parse = [](std::vector<std::string> extra) {
    std::vector<std::string> args{"onlookerd", "--ring", "r", "--db", "d"};
    args.insert(args.end(), extra.begin(), extra.end());
    return parse_options(args);
  };
  const auto defaults = std::get<Options>(parse({}));
  EXPECT_FALSE(defaults.open);
  EXPECT_EQ(defaults.max_connections, 16384u);
  EXPECT_TRUE(std::get<Options>(parse({"--open"})).open);
  EXPECT_EQ(std::get<Options>(parse({"--max-connections", "5"})).max_connections, 5u);
  EXPECT_EQ(std::get<ParseExit>(parse({"--max-connections", "0"})).status, 2);
  EXPECT_EQ(std::get<ParseExit>(parse({"--public-url", "ftp://x/"})).status, 2);
  EXPECT_EQ(std::get<ParseExit>(parse({"--login-url"})).status, 1);  // no token
  const auto link = std::get<ParseExit>(
      parse({"--token", "sixteen-chars-token", "--listen", "[::1]:9191", "--login-url"}));
  EXPECT_EQ(link.status, 0);
  EXPECT_EQ(link.text, "http://[::1]:9191/login#token=sixteen-chars-token\n");
  EXPECT_EQ(std::get<ParseExit>(parse({"--token", "sixteen-chars-token", "--public-url",
                                       "https://example.com/onlooker", "--login-url"}))
                .text,
            "https://example.com/onlooker/login#token=sixteen-chars-token\n");
}

}  // namespace
}  // namespace onlooker
