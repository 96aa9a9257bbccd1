// --alert with real parts: views through Debian's nginx make a live-count rule
// fire in onlookerd's log and /metrics.
#include <gtest/gtest.h>

#include <string>

#include "support/http_client.h"
#include "support/stack.h"

namespace onlooker {
namespace {

using namespace std::chrono_literals;
using test::eventually;
using test::http_get;
using test::Stack;

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
}

}  // namespace
}  // namespace onlooker
