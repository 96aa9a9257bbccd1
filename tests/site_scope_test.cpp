// Sites and their keys without a server: host patterns, what a site token
// opens (AccessControl), the flags and [sites] section that set them, the
// hub's per-key snapshots and per-site retention in a real SQLite file.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <chrono>

#include <nlohmann/json.hpp>

#include "access_control.h"
#include "live_hub.h"
#include "options.h"
#include "site_scope.h"
#include "sqlite_db.h"
#include "sqlite_history.h"
#include "support/temp_dir.h"

namespace onlooker {
namespace {

namespace http = boost::beast::http;

TEST(SiteScope, PatternsAreNamesOrStarDotSuffix) {
  EXPECT_TRUE(valid_host_pattern("shop.example.org"));
  EXPECT_TRUE(valid_host_pattern("*.example.org"));
  EXPECT_TRUE(valid_host_pattern("localhost"));
  for (const char* bad : {"", "*", "*.", "Shop.example.org", "a..b", ".a", "a.", "a*.b", "*.*.b",
                          "a b", "a/b", "a=b", "a:80"}) {
    EXPECT_FALSE(valid_host_pattern(bad)) << bad;
  }
  EXPECT_TRUE(host_pattern_matches("a.example", "a.example"));
  EXPECT_FALSE(host_pattern_matches("a.example", "b.a.example"));
  EXPECT_TRUE(host_pattern_matches("*.example.org", "www.example.org"));
  EXPECT_TRUE(host_pattern_matches("*.example.org", "x.y.example.org"));
  EXPECT_FALSE(host_pattern_matches("*.example.org", "example.org"));  // as nginx reads it
  EXPECT_FALSE(host_pattern_matches("*.example.org", "badexample.org"));
  EXPECT_FALSE(host_pattern_matches("*.example.org", ".example.org"));
}

TEST(SiteScope, AScopeOpensItsPatternsOnly) {
  const SiteScope all;
  EXPECT_TRUE(all.all());
  EXPECT_TRUE(all.allows("anything.example"));
  const SiteScope one({"a.example"});
  EXPECT_FALSE(one.all());
  EXPECT_TRUE(one.allows("a.example"));
  EXPECT_FALSE(one.allows("b.example"));
  EXPECT_FALSE(one.allows(""));
  EXPECT_EQ(one.single_host(), "a.example");
  const SiteScope several({"*.b.example", "a.example", "a.example"});
  EXPECT_EQ(several.patterns().size(), 2u);
  EXPECT_EQ(several.single_host(), "");
  EXPECT_EQ(SiteScope({"*.b.example"}).single_host(), "");
  EXPECT_EQ(several.key(), SiteScope({"a.example", "*.b.example"}).key());
  EXPECT_NE(several.key(), one.key());
}

constexpr const char* admin = "admin-token-0123456789";
constexpr const char* key_a = "site-a-token-0123456789";
constexpr const char* key_b = "site-b-token-0123456789";

Request bearer(const std::string& token) {
  Request request{http::verb::get, "/api/live", 11};
  request.set(http::field::host, "stats.example");
  request.set(http::field::authorization, "Bearer " + token);
  return request;
}

TEST(SiteTokens, EachKeyOpensItsOwnSitesAndTheAdminKeyAll) {
  AccessControl access({.token = admin,
                        .site_tokens = {{"a.example", key_a},
                                        {"*.b.example", key_b},
                                        {"b.example", key_b}}});
  const auto now = std::chrono::steady_clock::now();
  SiteScope scope({"x"});
  EXPECT_EQ(access.check(bearer(admin), false, now, &scope), Access::allowed);
  EXPECT_TRUE(scope.all());
  EXPECT_EQ(access.check(bearer(key_a), false, now, &scope), Access::allowed);
  EXPECT_EQ(scope.patterns(), std::vector<std::string>{"a.example"});
  EXPECT_EQ(access.check(bearer(key_b), false, now, &scope), Access::allowed);
  EXPECT_EQ(scope.patterns(), (std::vector<std::string>{"*.b.example", "b.example"}));
  EXPECT_TRUE(scope.allows("www.b.example"));
  EXPECT_FALSE(scope.allows("a.example"));
  EXPECT_EQ(access.check(bearer("site-a-token-012345678X"), false, now, &scope),
            Access::unauthorized);
  EXPECT_EQ(access.login(key_b, now, &scope), Access::allowed);
  EXPECT_EQ(scope.patterns().size(), 2u);
  EXPECT_EQ(access.login("nobody-0123456789abc", now, &scope), Access::unauthorized);
}

TEST(SiteTokens, SiteTokensAloneStillNeedAToken) {
  AccessControl access({.site_tokens = {{"a.example", key_a}}});
  EXPECT_TRUE(access.token_required());
  Request plain{http::verb::get, "/api/live", 11};
  plain.set(http::field::host, "127.0.0.1:9190");
  EXPECT_EQ(access.check(plain, true, std::chrono::steady_clock::now()), Access::unauthorized);
}

TEST(SiteTokens, TheStatusNamesOnlyTheKeysOwnSites) {
  AccessControl access({.token = admin, .site_tokens = {{"a.example", key_a}, {"b.example", key_b}}});
  const auto mine = nlohmann::json::parse(access.status_json(SiteScope({"a.example"})));
  EXPECT_EQ(mine["sites"], nlohmann::json::array({"a.example"}));
  EXPECT_TRUE(nlohmann::json::parse(access.status_json(SiteScope{}))["sites"].is_null());
  EXPECT_EQ(access.status_json(SiteScope({"a.example"})).find("b.example"), std::string::npos);
}

TEST(SiteTokens, TheSessionCookieCarriesTheKeyThatSignedIn) {
  AccessControl access({.token = admin, .site_tokens = {{"a.example", key_a}}});
  Request request{http::verb::post, "/login", 11};
  EXPECT_TRUE(access.session_cookie(request, key_a).starts_with(std::string("onlooker_token=") + key_a + ";"));
}

std::variant<Options, ParseExit> parse(std::vector<std::string> args) {
  args.insert(args.begin(), {"onlookerd", "--ring", "/r", "--db", "/d"});
  return parse_options(args);
}

std::string refusal(const std::variant<Options, ParseExit>& parsed) {
  const auto* exit = std::get_if<ParseExit>(&parsed);
  if (!exit || exit->status != 2) return "";
  return exit->text;
}

TEST(SiteOptions, FlagsAndTheSitesSectionMakeOneList) {
  test::TempDir dir;
  dir.write("onlookerd.conf", std::string("token = ") + admin +
                                  "\nsite-retention-days = a.example=7\n[sites]\n*.b.example = " +
                                  key_b + "\n");
  const auto parsed = parse({"--config", dir.file("onlookerd.conf"), "--site-token",
                             std::string("a.example=") + key_a, "--site-retention-days",
                             "*.b.example=0"});
  ASSERT_TRUE(std::holds_alternative<Options>(parsed)) << std::get<ParseExit>(parsed).text;
  const auto& options = std::get<Options>(parsed);
  ASSERT_EQ(options.site_tokens.size(), 2u);
  EXPECT_EQ(options.site_tokens[0].pattern, "*.b.example");
  EXPECT_EQ(options.site_tokens[0].token, key_b);
  EXPECT_EQ(options.site_tokens[1].pattern, "a.example");
  EXPECT_EQ(options.site_tokens[1].token, key_a);
  ASSERT_EQ(options.site_retention.size(), 2u);
  EXPECT_EQ(options.site_retention[0].pattern, "*.b.example");  // the command line first
  EXPECT_EQ(options.site_retention[0].days, 0);
  EXPECT_EQ(options.site_retention[1].days, 7);
}

TEST(SiteOptions, BadValuesExitTwoAndSayWhich) {
  EXPECT_NE(refusal(parse({"--site-token", "a.example"})).find("HOST=TOKEN"), std::string::npos);
  EXPECT_NE(refusal(parse({"--site-token", std::string("A.example=") + key_a})).find("lower-case"),
            std::string::npos);
  EXPECT_NE(refusal(parse({"--site-token", "a.example=short"})).find("16 or more"),
            std::string::npos);
  // The refusal never repeats a token.
  EXPECT_EQ(refusal(parse({"--site-token", std::string("a b=") + key_a})).find(key_a),
            std::string::npos);
  EXPECT_NE(refusal(parse({"--token", admin, "--site-token", std::string("a.example=") + admin}))
                .find("it is the --token"),
            std::string::npos);
  for (const char* bad : {"a.example", "a.example=", "a.example=-1", "a.example=x",
                          "a.example=36501", "*=3"}) {
    EXPECT_NE(refusal(parse({"--site-retention-days", bad})).find("--site-retention-days"),
              std::string::npos)
        << bad;
  }
  test::TempDir dir;
  dir.write("typo.conf", "[sitez]\na.example = x\n");
  EXPECT_NE(refusal(parse({"--config", dir.file("typo.conf")})).find("sitez.a.example"),
            std::string::npos);
  dir.write("late.conf", std::string("[sites]\na.example = ") + key_a + "\ntoken = " + admin + "\n");
  EXPECT_NE(refusal(parse({"--config", dir.file("late.conf")})).find("'token' in the [sites]"),
            std::string::npos);
  dir.write("short.conf", "[sites]\na.example = short\n");
  EXPECT_NE(refusal(parse({"--config", dir.file("short.conf")})).find("a.example"),
            std::string::npos);
}

Hit view(std::uint8_t who, std::string host, std::string path, std::int64_t ts) {
  Hit hit;
  hit.ts_ms = ts;
  hit.visitor.fill(who);
  hit.kind = HitKind::view;
  hit.host = std::move(host);
  hit.path = std::move(path);
  hit.device = "desktop";
  return hit;
}

TEST(SiteViews, TheHubBuildsASnapshotPerKeyAndSiteMetrics) {
  boost::asio::io_context io;
  LiveHub hub(io, [] { return RingCounters{.written = 42}; }, LiveSettings{});
  const std::int64_t now = unix_now_ms();
  hub.publish(std::make_shared<const std::vector<Hit>>(std::vector<Hit>{
      view(1, "a.example", "/a-page", now), view(2, "www.b.example", "/b-page", now),
      view(3, "shop.b.example", "/shop", now)}));
  io.poll();
  const SiteScope b({"*.b.example"});
  const auto seen = nlohmann::json::parse(hub.snapshot_json(b, "", false));
  EXPECT_EQ(seen["active"], 2);
  for (const auto& visitor : seen["visitors"]) EXPECT_NE(visitor["host"], "a.example");
  EXPECT_TRUE(seen["ring"].is_null());
  EXPECT_EQ(seen.dump().find("a-page"), std::string::npos);
  const auto one = nlohmann::json::parse(hub.snapshot_json(b, "shop.b.example", false));
  EXPECT_EQ(one["active"], 1);
  const auto everything = nlohmann::json::parse(hub.snapshot_json(SiteScope{}, "", false));
  EXPECT_EQ(everything["active"], 3);
  EXPECT_EQ(everything["ring"]["written"], 42);

  const std::string metrics = hub.site_metrics(b);
  EXPECT_NE(metrics.find("onlooker_active_visitors{host=\"www.b.example\"} 1"), std::string::npos);
  EXPECT_NE(metrics.find("onlooker_active_visitors{host=\"shop.b.example\"} 1"), std::string::npos);
  EXPECT_EQ(metrics.find("a.example\""), std::string::npos);
}

TEST(SiteRetention, DeleteBeforeTakesAHostFilter) {
  test::TempDir dir;
  SqliteHistory history(dir.file("db"));
  const std::int64_t day = 86'400'000;
  const std::int64_t old = (unix_now_ms() / day - 10) * day + 1000;
  std::vector<Hit> hits = {view(1, "a.example", "/", old), view(2, "www.b.example", "/", old),
                           view(3, "c.example", "/", old)};
  history.commit({hits, {}, {1, hits.size()}});
  const std::int64_t cutoff = unix_now_ms() - day;
  EXPECT_GT(history.delete_before(cutoff, 100, {{"*.b.example"}, {}}), 0u);
  EXPECT_GT(history.delete_before(cutoff, 100, {{}, {"a.example"}}), 0u);  // c.example only
  sqlite::Database db(dir.file("db"), SQLITE_OPEN_READONLY);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM hits"), 1);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM hits WHERE host = 'a.example'"), 1);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM rollups WHERE host <> 'a.example'"), 0);
  EXPECT_GT(db.query_int("SELECT count(*) FROM rollups WHERE host = 'a.example'"), 0);
}

}  // namespace
}  // namespace onlooker
