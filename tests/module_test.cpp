// The nginx module's behaviour seen from outside: what counts as a view, who
// a visitor is (hash or cookie), heartbeats and leaves, and that responses
// are left alone. Real nginx with the built module, real onlookerd.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <re2/re2.h>
#include <thread>

#include "onlooker_ring.h"
#include "sqlite_db.h"
#include "support/http_client.h"
#include "support/stack.h"

namespace onlooker {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::eventually;
using test::http_get;
using test::HttpResult;
using test::Stack;

HttpResult get(const Stack& stack, const std::string& target,
               std::map<std::string, std::string> headers = {}) {
  headers.emplace("X-Forwarded-For", "10.1.1.1");
  headers.emplace("User-Agent", "Mozilla/5.0 (Module test)");
  return http_get(stack.site_port(), target, headers);
}

std::int64_t rows(const Stack& stack, const std::string& where = "1") {
  sqlite::Database db(stack.db_path(), SQLITE_OPEN_READONLY);
  db.exec("PRAGMA busy_timeout = 2000");
  return db.query_int("SELECT count(*) FROM hits WHERE " + where);
}

std::vector<std::string> column(const Stack& stack, const std::string& sql) {
  sqlite::Database db(stack.db_path(), SQLITE_OPEN_READONLY);
  sqlite::Statement statement(db, sql);
  std::vector<std::string> values;
  while (statement.step()) values.push_back(statement.column_text(0));
  return values;
}

std::int64_t active(const Stack& stack) {
  return json::parse(http_get(stack.site_port(), "/onlooker/api/live").body).at("active");
}

TEST(Module, CookieModeSetsACookieOnTheFirstViewAndHonoursIt) {
  Stack stack({.server_directives = "onlooker_identity cookie;"});
  const auto first = get(stack, "/index.html");
  ASSERT_TRUE(first.headers.count("set-cookie"));
  const std::string cookie = first.headers.at("set-cookie");
  std::string id;
  ASSERT_TRUE(RE2::FullMatch(
      cookie, "_onl=([0-9a-f]{32}); Max-Age=31536000; Path=/; HttpOnly; SameSite=Lax", &id))
      << cookie;

  const auto second = get(stack, "/about.html", {{"Cookie", "x=1; _onl=" + id}});
  EXPECT_FALSE(second.headers.count("set-cookie"));
  EXPECT_FALSE(get(stack, "/style.css").headers.count("set-cookie"));  // not a view
  EXPECT_FALSE(get(stack, "/missing.html").headers.count("set-cookie"));

  ASSERT_TRUE(eventually([&] { return rows(stack) == 2; }, 2s));
  EXPECT_EQ(column(stack, "SELECT DISTINCT visitor FROM hits"), std::vector<std::string>{id});

  // Another browser (no cookie) is another visitor with another id.
  const auto other = get(stack, "/index.html");
  ASSERT_TRUE(other.headers.count("set-cookie"));
  EXPECT_EQ(other.headers.at("set-cookie").find(id), std::string::npos);
}

TEST(Module, CookieNameIsConfigurableAndMalformedCookiesAreReplaced) {
  Stack stack({.server_directives = "onlooker_identity cookie; onlooker_cookie sid;"});
  const auto response = get(stack, "/index.html", {{"Cookie", "sid=not-hex"}});
  ASSERT_TRUE(response.headers.count("set-cookie"));
  EXPECT_EQ(response.headers.at("set-cookie").rfind("sid=", 0), 0u);
}

TEST(Module, HashModeSetsNoCookieAndTheVariableMatchesTheStoredId) {
  Stack stack({.server_directives = "add_header X-Visitor $onlooker_visitor;"});
  const auto response = get(stack, "/index.html");
  EXPECT_FALSE(response.headers.count("set-cookie"));
  ASSERT_TRUE(response.headers.count("x-visitor"));
  ASSERT_TRUE(eventually([&] { return rows(stack) == 1; }, 2s));
  EXPECT_EQ(column(stack, "SELECT visitor FROM hits"),
            std::vector<std::string>{response.headers.at("x-visitor")});
}

TEST(Module, BeaconAnswers204AndRecordsBeatsAndLeaves) {
  Stack stack;
  // onlookerd keeps beats and leaves only of a visitor with a page view.
  // (A response can reach the client before its log phase ran: wait for it.)
  ASSERT_EQ(get(stack, "/about.html").status, 200);
  ASSERT_TRUE(eventually([&] { return rows(stack) == 1; }, 2s));
  const auto beat = get(stack, "/onlooker/beat?p=%2Fabout.html");
  EXPECT_EQ(beat.status, 204);
  EXPECT_TRUE(beat.body.empty());
  EXPECT_EQ(beat.headers.at("cache-control"), "no-store");
  EXPECT_EQ(get(stack, "/onlooker/beat", {{"Referer", "http://127.0.0.1/from/ref.html?q=1"}}).status,
            204);
  EXPECT_EQ(get(stack, "/onlooker/beat?e=leave&p=/about.html").status, 204);
  ASSERT_TRUE(eventually([&] { return rows(stack) == 4; }, 2s));
  EXPECT_EQ(column(stack, "SELECT kind || ' ' || path FROM hits ORDER BY rowid"),
            (std::vector<std::string>{"view /about.html", "beat /about.html", "beat /from/ref.html",
                                      "leave /about.html"}));
}

TEST(Module, HeartbeatsKeepAVisitorLivePastTheWindowAndALeaveEndsItAtOnce) {
  Stack stack({.onlookerd_args = {"--active-window", "2", "--push-interval", "50"}});
  ASSERT_EQ(get(stack, "/index.html").status, 200);
  ASSERT_TRUE(eventually([&] { return active(stack) == 1; }, 2s));
  for (int i = 0; i < 4; ++i) {
    std::this_thread::sleep_for(900ms);
    ASSERT_EQ(get(stack, "/onlooker/beat?p=%2Findex.html").status, 204);
  }
  EXPECT_EQ(active(stack), 1);  // 3.6 s after the view, with a 2 s window
  ASSERT_EQ(get(stack, "/onlooker/beat?p=%2Findex.html&e=leave").status, 204);
  EXPECT_TRUE(eventually([&] { return active(stack) == 0; }, 1s));
}

TEST(Module, QueryStringIsKeptOnlyWhenAskedFor) {
  Stack stack({.server_directives = "location = /about.html { onlooker_query on; }"});
  ASSERT_EQ(get(stack, "/about.html?tab=2").status, 200);
  ASSERT_EQ(get(stack, "/index.html?tab=2").status, 200);
  ASSERT_TRUE(eventually([&] { return rows(stack) == 2; }, 2s));
  EXPECT_EQ(column(stack, "SELECT path FROM hits ORDER BY path"),
            (std::vector<std::string>{"/about.html?tab=2", "/index.html"}));
}

TEST(Module, ResponsesAreIdenticalWithTheModuleOnAndOff) {
  // The same files through a tracked and an untracked location.
  Stack stack({.server_directives = "location /off/ { onlooker off; alias @SITE@/; }"});
  for (const std::string page : {"index.html", "style.css", "missing.html"}) {
    auto on = get(stack, "/" + page);
    auto off = get(stack, "/off/" + page);
    on.headers.erase("date");
    off.headers.erase("date");
    EXPECT_EQ(on.status, off.status) << page;
    EXPECT_EQ(on.headers, off.headers) << page;
    EXPECT_EQ(on.body, off.body) << page;
  }
}

TEST(Module, Http2RequestsAreCountedToo) {
  const unsigned short h2_port = test::free_port();
  Stack stack({.server_directives = "listen 127.0.0.1:" + std::to_string(h2_port) + " http2;"});
  const auto run = test::run_command({"/usr/bin/curl", "-sS", "--http2-prior-knowledge", "-o",
                                      "/dev/null", "-w", "%{http_version} %{http_code}",
                                      "http://127.0.0.1:" + std::to_string(h2_port) + "/about.html"});
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_EQ(run.output, "2 200");
  EXPECT_TRUE(eventually([&] { return rows(stack, "path = '/about.html'") == 1; }, 2s));
}

TEST(Module, SixteenKilobyteUriAgentAndRefererAreCutToTheirSlots) {
  Stack stack({.server_directives = "large_client_header_buffers 4 64k; onlooker_query on;"});
  const std::string long_query(16 * 1024, 'q');
  std::string long_agent;
  while (long_agent.size() < 16 * 1024) long_agent += "Mozilla/5.0 \xc3\xa9\xe2\x82\xac ";  // é and €
  const std::string long_referer = "https://" + std::string(16 * 1024, 'r') + ".example/";
  ASSERT_EQ(get(stack, "/index.html?" + long_query,
                {{"User-Agent", long_agent}, {"Referer", long_referer}})
                .status,
            200);
  ASSERT_TRUE(eventually([&] { return rows(stack) == 1; }, 2s));
  const auto path = column(stack, "SELECT path FROM hits").at(0);
  const auto referrer = column(stack, "SELECT referrer FROM hits").at(0);
  EXPECT_EQ(path.size(), ONLOOKER_PATH_MAX);
  EXPECT_EQ(path.substr(0, 12), "/index.html?");
  EXPECT_EQ(referrer.size(), ONLOOKER_REFERRER_MAX);
  // The live JSON is valid and the cut never splits a character.
  const auto live = json::parse(http_get(stack.site_port(), "/onlooker/api/live").body);
  EXPECT_EQ(live.at("visitors").at(0).at("path"), path);
}

TEST(Module, HostileBytesAreStoredSafelyAndEscapedInJson) {
  Stack stack;
  const std::string agent = "Mozilla\x01\x7f\xff\xfe \"quoted\" <b>";
  ASSERT_EQ(get(stack, "/%3Cimg%20src=x%20onerror=alert(1)%3E.html", {{"User-Agent", agent}}).status,
            404);  // not a view: no such page
  ASSERT_EQ(get(stack, "/index.html?<script>", {{"User-Agent", agent},
                                               {"Referer", "http://evil.example/\"><x>"}})
                .status,
            200);
  ASSERT_TRUE(eventually([&] { return rows(stack) == 1; }, 2s));
  const auto live = http_get(stack.site_port(), "/onlooker/api/live");
  const json snapshot = json::parse(live.body);  // valid JSON despite the bytes
  EXPECT_EQ(snapshot.at("visitors").at(0).at("referrer"), "evil.example/\"><x>");
  EXPECT_EQ(column(stack, "SELECT referrer FROM hits"),
            std::vector<std::string>{"evil.example/\"><x>"});
}

}  // namespace
}  // namespace onlooker
