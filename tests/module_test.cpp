// The nginx module's behaviour seen from outside: what counts as a view, who
// a visitor is (hash or cookie), heartbeats and leaves, and that responses
// are left alone. Real nginx with the built module, real onlookerd.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <fstream>
#include <thread>
#include <tuple>

#include "onlooker_day_key.h"
#include "onlooker_ring.h"
#include "sqlite_db.h"
#include "support/http_client.h"
#include "support/module_probe.h"
#include "support/stack.h"

namespace onlooker {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::eventually;
using test::http_get;
using test::HttpResult;
using test::Stack;

using namespace test::module;

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
  // Sorted: with two workers, requests in a row can reach the ring in either order.
  EXPECT_EQ(column(stack, "SELECT kind || ' ' || path FROM hits ORDER BY 1"),
            (std::vector<std::string>{"beat /about.html", "beat /from/ref.html", "leave /about.html",
                                      "view /about.html"}));
}

// beacon.js tells a tab's going to the background and back (e=hide, e=show)
// and, with a hide or leave, the page's visible time (v=, milliseconds): it
// reaches the ring only when it is plain digits of a sane length.
TEST(Module, BeaconRecordsHideShowAndVisibleTimeWithBounds) {
  Stack stack;
  ASSERT_EQ(get(stack, "/about.html").status, 200);
  ASSERT_TRUE(eventually([&] { return rows(stack) == 1; }, 2s));
  for (const char* query : {"e=hide&v=5123", "e=show&v=777", "e=leave&v=12", "e=leave&v=1234567890",
                            "e=hide&v=12x", "e=hide&v=-5", "e=hidden&v=9"}) {
    ASSERT_EQ(get(stack, std::string("/onlooker/beat?p=%2Fabout.html&") + query).status, 204)
        << query;
  }
  ASSERT_TRUE(eventually([&] { return rows(stack) == 8; }, 2s));
  EXPECT_EQ(column(stack, "SELECT kind FROM hits WHERE kind <> 'view' ORDER BY 1"),
            (std::vector<std::string>{"beat", "hide", "hide", "hide", "leave", "leave", "show"}));

  ASSERT_EQ(stack.stop_onlookerd(SIGTERM), 0);
  const std::string bytes = ring_bytes(stack);
  std::vector<std::pair<int, std::uint32_t>> kinds_and_visible;
  for (std::uint64_t pos = 1; pos < ring_header(stack).head; ++pos) {
    onlooker_record record{};
    std::memcpy(&record, bytes.data() + ONLOOKER_RING_HEADER_SIZE + pos * ONLOOKER_SLOT_SIZE + 8,
                sizeof record);
    kinds_and_visible.emplace_back(record.kind, record.visible_ms);
  }
  std::sort(kinds_and_visible.begin(), kinds_and_visible.end());
  // A show carries no visible time; ten digits, a letter or a sign are none.
  EXPECT_EQ(kinds_and_visible, (std::vector<std::pair<int, std::uint32_t>>{
                                   {ONLOOKER_KIND_BEAT, 0},
                                   {ONLOOKER_KIND_LEAVE, 0},
                                   {ONLOOKER_KIND_LEAVE, 12},
                                   {ONLOOKER_KIND_HIDE, 0},
                                   {ONLOOKER_KIND_HIDE, 0},
                                   {ONLOOKER_KIND_HIDE, 5123},
                                   {ONLOOKER_KIND_SHOW, 0},
                               }));
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

TEST(Module, ABeatFloodFromOneClientPutsOnlyItsAllowanceIntoTheRing) {
  Stack stack({.start_onlookerd = false});
  const auto started = std::chrono::steady_clock::now();
  constexpr int kBeats = 400;
  for (int i = 0; i < kBeats; ++i) {
    ASSERT_EQ(get(stack, "/onlooker/beat?p=%2Findex.html&t=00000000000000" +
                             std::string(i % 2 ? "01" : "02"))
                  .status,
              204);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const onlooker_ring_header header = ring_header(stack);
  // Each of the 2 workers lets a visitor have a burst of 16, then one per 4 s.
  const auto allowed = static_cast<std::uint64_t>(2 * (16 + seconds / 4 + 1));
  EXPECT_GE(header.head, 16u);
  EXPECT_LE(header.head, allowed) << "in " << seconds << " s";
  EXPECT_EQ(header.head + header.beats_limited, static_cast<std::uint64_t>(kBeats));
  EXPECT_EQ(header.dropped, 0u);

  // Page views are not limited; another visitor's beats are not either.
  ASSERT_EQ(get(stack, "/index.html").status, 200);
  ASSERT_EQ(get(stack, "/onlooker/beat?p=%2F", {{"User-Agent", "Another browser"}}).status, 204);
  EXPECT_EQ(ring_header(stack).head, header.head + 2);

  stack.start_onlookerd();
  const std::string line = "onlooker_beats_limited_total " + std::to_string(header.beats_limited);
  EXPECT_TRUE(eventually([&] {
    return http_get(stack.site_port(), "/onlooker/metrics").body.find(line) != std::string::npos;
  }, 3s)) << line;
}

// A tracked page answered >= 500 is an error record (kind 4), not a view;
// what would not have been a view (a 4xx, a JSON answer) records nothing.
TEST(Module, APageAnsweredWithA5xxIsAnErrorRecordNotAView) {
  Stack stack({.server_directives = "location = /broken.html { return 500; }\n"
                                    "location = /down.html { return 503; }\n"
                                    "location = /gone.html { return 404; }\n"
                                    "location = /api { default_type application/json; return 500 '{}'; }",
               .start_onlookerd = false});
  ASSERT_EQ(get(stack, "/index.html").status, 200);
  ASSERT_EQ(get(stack, "/broken.html").status, 500);
  ASSERT_EQ(get(stack, "/down.html", {{"X-Forwarded-For", "10.1.1.2"}}).status, 503);
  ASSERT_EQ(get(stack, "/gone.html").status, 404);
  ASSERT_EQ(get(stack, "/api").status, 500);
  ASSERT_TRUE(eventually([&] { return ring_header(stack).head >= 3; }, 2s));
  std::this_thread::sleep_for(200ms);  // nothing more comes
  const onlooker_ring_header header = ring_header(stack);
  ASSERT_EQ(header.head, 3u);
  const std::string bytes = ring_bytes(stack);
  // Each request's record, sorted by path: a worker logs after its response
  // has gone, so two workers' records can land in either order.
  std::vector<std::tuple<std::string, int, int>> records;
  for (std::uint64_t pos = 0; pos < header.head; ++pos) {
    onlooker_record record{};
    std::memcpy(&record, bytes.data() + ONLOOKER_RING_HEADER_SIZE + pos * ONLOOKER_SLOT_SIZE + 8,
                sizeof record);
    const char* text = bytes.data() + ONLOOKER_RING_HEADER_SIZE + pos * ONLOOKER_SLOT_SIZE + 8 +
                       ONLOOKER_RECORD_FIXED_SIZE;
    records.emplace_back(std::string(text + record.host_len, record.path_len), record.kind,
                         record.status);
  }
  std::sort(records.begin(), records.end());
  EXPECT_EQ(records, (std::vector<std::tuple<std::string, int, int>>{
                         {"/broken.html", ONLOOKER_KIND_ERROR, 500},
                         {"/down.html", ONLOOKER_KIND_ERROR, 503},
                         {"/index.html", ONLOOKER_KIND_VIEW, 200}}));
  // onlookerd reads them: the error records are counted, neither live nor stored.
  stack.start_onlookerd();
  ASSERT_TRUE(eventually([&] { return rows(stack) == 1; }, 3s));
  EXPECT_EQ(rows(stack, "kind <> 'view'"), 0);
  EXPECT_TRUE(eventually([&] {
    return http_get(stack.site_port(), "/onlooker/metrics").body.find("onlooker_page_errors_total 2") !=
           std::string::npos;
  }, 3s)) << http_get(stack.site_port(), "/onlooker/metrics").body;
  EXPECT_EQ(active(stack), 1);  // 10.1.1.2 only had an error: not on the site
  const std::string metrics = http_get(stack.site_port(), "/onlooker/metrics").body;
  EXPECT_NE(metrics.find("onlooker_corrupt_records_total 0"), std::string::npos) << metrics;
  EXPECT_TRUE(eventually([&] { return ring_header(stack).tail == 3; }, 3s));  // freed once committed
}

}  // namespace
}  // namespace onlooker
