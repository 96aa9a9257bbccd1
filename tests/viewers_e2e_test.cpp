// $onlooker_viewers and $onlooker_site_viewers with real parts: Debian's nginx
// (two workers) reading the viewers table a real onlookerd publishes.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "support/http_client.h"
#include "support/stack.h"

namespace onlooker {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::eventually;
using test::http_get;
using test::Stack;
using test::StackOptions;

// An SSI page that says its own count and the site's, and a plain-text
// location (not a page view, so never in the table) that returns them.
StackOptions viewers_stack(bool viewers_zone = true) {
  StackOptions options;
  options.viewers_zone = viewers_zone;
  options.onlookerd_args = {"--push-interval", "200"};
  options.server_directives = R"(
        location ~ \.shtml$ { ssi on; }
        location = /count {
            add_header X-Worker $pid;
            return 200 "$onlooker_viewers|$onlooker_site_viewers";
        })";
  return options;
}

void write_page(const Stack& stack) {
  stack.dir().write("site/page.shtml",
                    "<!doctype html><title>page</title><p>"
                    "<!--# echo var=\"onlooker_viewers\" --> reading this, "
                    "<!--# echo var=\"onlooker_site_viewers\" --> on the site</p>");
}

std::string fetch(const Stack& stack, const std::string& target,
                  const std::string& client = "10.9.0.1") {
  return http_get(stack.site_port(), target,
                  {{"X-Forwarded-For", client}, {"User-Agent", "Mozilla/5.0 (X11) Viewers"}})
      .body;
}

std::int64_t live_viewers(const Stack& stack, const std::string& path) {
  const json snapshot = json::parse(http_get(stack.site_port(), "/onlooker/api/live").body);
  for (const auto& page : snapshot.at("pages")) {
    if (page.at("path") == path) return page.at("viewers").get<std::int64_t>();
  }
  return 0;
}

std::string paragraph(const std::string& body) {
  const auto start = body.find("<p>");
  const auto end = body.find("</p>");
  return start == std::string::npos || end == std::string::npos
             ? body : body.substr(start + 3, end - start - 3);
}

// Three people on the page, one elsewhere: the page says what /api/live says.
void three_on_page_one_elsewhere(const Stack& stack) {
  for (const char* client : {"10.9.0.1", "10.9.0.2", "10.9.0.3"}) {
    ASSERT_NE(fetch(stack, "/page.shtml", client), "");
  }
  ASSERT_NE(fetch(stack, "/index.html", "10.9.0.4"), "");
  ASSERT_TRUE(eventually([&] { return live_viewers(stack, "/page.shtml") == 3; }, 3s));
}

TEST(Viewers, SsiPageShowsTheCountApiLiveHasWithinOnePushInterval) {
  Stack stack(viewers_stack());
  write_page(stack);
  three_on_page_one_elsewhere(stack);
  // /api/live has 3 now; the table is at most one push interval (200 ms)
  // behind, so a page read 250 ms later shows it.
  std::this_thread::sleep_for(250ms);
  EXPECT_EQ(paragraph(fetch(stack, "/page.shtml")), "3 reading this, 4 on the site");
}

TEST(Viewers, PageNotInTheTableIsZeroAndEveryWorkerReadsTheSameTable) {
  Stack stack(viewers_stack());
  ASSERT_EQ(stack.nginx_workers().size(), 2u);
  write_page(stack);
  three_on_page_one_elsewhere(stack);
  ASSERT_TRUE(eventually([&] { return fetch(stack, "/count") == "0|4"; }, 2s))
      << fetch(stack, "/count");
  // Each request is a new connection: both workers answer some of them.
  std::set<std::string> workers;
  for (int i = 0; i < 40 && workers.size() < 2; ++i) {
    const auto response = http_get(stack.site_port(), "/count");
    EXPECT_EQ(response.body, "0|4");
    workers.insert(response.headers.at("x-worker"));
  }
  EXPECT_EQ(workers.size(), 2u);
}

TEST(Viewers, CountsSurviveAReload) {
  Stack stack(viewers_stack());
  write_page(stack);
  three_on_page_one_elsewhere(stack);
  ASSERT_TRUE(eventually([&] { return fetch(stack, "/count") == "0|4"; }, 2s));
  const auto before = stack.nginx_workers();
  ASSERT_EQ(stack.nginx_signal("reload"), 0);
  ASSERT_TRUE(eventually([&] {
    const auto now = stack.nginx_workers();
    return now.size() == 2 && std::find(now.begin(), now.end(), before[0]) == now.end() &&
           std::find(now.begin(), now.end(), before[1]) == now.end();
  }, 10s));
  EXPECT_EQ(fetch(stack, "/count"), "0|4");
  EXPECT_EQ(paragraph(fetch(stack, "/page.shtml")), "3 reading this, 4 on the site");
}

TEST(Viewers, DashWhenOnlookerdStopsOrDies) {
  Stack stack(viewers_stack());
  write_page(stack);
  three_on_page_one_elsewhere(stack);
  ASSERT_TRUE(eventually([&] { return fetch(stack, "/count") == "0|4"; }, 2s));

  // A clean stop withdraws the table at once.
  stack.stop_onlookerd(SIGTERM);
  EXPECT_EQ(fetch(stack, "/count"), "-|-");
  EXPECT_EQ(paragraph(fetch(stack, "/page.shtml")), "- reading this, - on the site");

  // Killed: the table goes stale after twice the push interval.
  stack.start_onlookerd();
  ASSERT_TRUE(eventually([&] { return fetch(stack, "/count") == "0|4"; }, 3s))
      << fetch(stack, "/count");
  stack.stop_onlookerd(SIGKILL);
  EXPECT_TRUE(eventually([&] { return fetch(stack, "/count") == "-|-"; }, 1s))
      << fetch(stack, "/count");
}

TEST(Viewers, DashWithoutTheViewersZone) {
  Stack stack(viewers_stack(false));
  EXPECT_EQ(fetch(stack, "/count"), "-|-");
}

}  // namespace
}  // namespace onlooker
