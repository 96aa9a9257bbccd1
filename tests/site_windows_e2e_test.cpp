// --site-active-window through real nginx and onlookerd: two server_names,
// two windows; the short-window site's visitors leave /api/live after its
// window while the other site still counts them, and a restart takes back
// each site's own window of history.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/http_client.h"
#include "support/process.h"
#include "support/stack.h"

namespace onlooker {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::eventually;
using test::http_get;
using test::Stack;

constexpr const char* admin = "admin-key-0123456789abcdef";
constexpr const char* key_a = "owner-of-a-0123456789abcd";

Stack two_windows_stack() {
  return Stack({.onlookerd_args = {"--token", admin, "--site-token",
                                   std::string("a.example=") + key_a, "--active-window", "120",
                                   "--site-active-window", "a.example=3"},
                .server_directives = "        server_name a.example www.b.example;"});
}

json live(const Stack& stack, const std::string& query, const std::string& key = admin) {
  const auto response =
      http_get(stack.site_port(), "/onlooker/api/live" + query, {{"Authorization", "Bearer " + key}});
  EXPECT_EQ(response.status, 200) << response.body;
  return response.status == 200 ? json::parse(response.body) : json{{"active", -1}};
}

int view(const Stack& stack, const std::string& host, const std::string& client) {
  return http_get(stack.site_port(), "/index.html",
                  {{"Host", host},
                   {"X-Forwarded-For", client},
                   {"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Test"}})
      .status;
}

std::int64_t active(const Stack& stack, const std::string& host) {
  return live(stack, "?host=" + host).at("active").get<std::int64_t>();
}

TEST(SiteWindowsE2E, TheShortWindowSiteEmptiesWhileTheOtherStillCounts) {
  Stack stack = two_windows_stack();
  ASSERT_EQ(view(stack, "a.example", "10.0.0.1"), 200);
  ASSERT_EQ(view(stack, "www.b.example", "10.0.0.2"), 200);
  const auto viewed = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually([&] { return live(stack, "").at("active") == 2; }, 3s));
  EXPECT_EQ(active(stack, "a.example"), 1);
  EXPECT_EQ(active(stack, "www.b.example"), 1);
  EXPECT_EQ(live(stack, "?host=a.example").at("active_window"), 3);
  EXPECT_EQ(live(stack, "?host=www.b.example").at("active_window"), 120);
  EXPECT_EQ(live(stack, "", key_a).at("active_window"), 3);  // its one site's

  ASSERT_TRUE(eventually([&] { return active(stack, "a.example") == 0; }, 6s));
  // Not before its window: the visitor left by a.example's 3 s, not sooner.
  EXPECT_GE(std::chrono::steady_clock::now() - viewed, 2900ms);
  EXPECT_EQ(active(stack, "www.b.example"), 1);
  EXPECT_EQ(live(stack, "").at("active"), 1);
  EXPECT_EQ(live(stack, "", key_a).at("active"), 0);
  const auto count = http_get(stack.site_port(), "/onlooker/api/count?host=www.b.example");
  EXPECT_EQ(json::parse(count.body).at("active"), 1) << count.body;
}

TEST(SiteWindowsE2E, ARestartTakesBackEachSitesOwnWindowOfHistory) {
  Stack stack = two_windows_stack();
  ASSERT_EQ(view(stack, "a.example", "10.0.0.1"), 200);
  ASSERT_EQ(view(stack, "www.b.example", "10.0.0.2"), 200);
  ASSERT_TRUE(eventually([&] { return live(stack, "").at("active") == 2; }, 3s));
  // Let the hits reach history, and a.example's window pass, with onlookerd down.
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(stack.stop_onlookerd(SIGTERM), 0);
  std::this_thread::sleep_for(3500ms);
  stack.start_onlookerd();
  ASSERT_TRUE(eventually([&] { return live(stack, "").at("active") == 1; }, 3s))
      << stack.onlookerd_log();
  EXPECT_EQ(active(stack, "www.b.example"), 1);
  EXPECT_EQ(active(stack, "a.example"), 0);
  // Only www.b.example's hit came back: a.example's was past its window.
  EXPECT_NE(stack.onlookerd_log().find("msg=\"live set restored from history\" hits=1 visits=1"),
            std::string::npos)
      << stack.onlookerd_log();
}

}  // namespace
}  // namespace onlooker
