// Alert rules: parsing (with the errors an operator sees) and the evaluator's
// fire-once / clear-once with a minimum duration and a clear hold.
#include <gtest/gtest.h>

#include <variant>

#include "alert_evaluator.h"
#include "alert_rule.h"
#include "options.h"

namespace onlooker {
namespace {

using namespace std::chrono_literals;

AlertRule rule(const std::string& text) {
  auto parsed = parse_alert_rule(text);
  if (const auto* error = std::get_if<std::string>(&parsed)) ADD_FAILURE() << *error;
  return std::get_if<AlertRule>(&parsed) ? std::get<AlertRule>(parsed) : AlertRule{};
}

std::string error(const std::string& text) {
  auto parsed = parse_alert_rule(text);
  return std::get_if<std::string>(&parsed) ? std::get<std::string>(parsed) : "(parsed)";
}

TEST(AlertRule, ParsesTheLiveConditions) {
  const AlertRule busy = rule("busy: live > 200");
  EXPECT_EQ(busy.name, "busy");
  EXPECT_EQ(busy.condition, "live > 200");
  EXPECT_EQ(busy.op, AlertRule::Op::above);
  EXPECT_EQ(busy.threshold, 200);
  EXPECT_EQ(busy.hold, 0ms);
  const AlertRule checkout = rule("checkout: live{path=/checkout} > 20");
  EXPECT_EQ(checkout.path, "/checkout");
  EXPECT_EQ(checkout.host, "");
  const AlertRule quiet = rule("quiet: live{host=shop.example} < 1 for 10m");
  EXPECT_EQ(quiet.host, "shop.example");
  EXPECT_EQ(quiet.op, AlertRule::Op::below);
  EXPECT_EQ(quiet.hold, 10min);
}

TEST(AlertRule, ErrorsSayWhatIsWrong) {
  EXPECT_EQ(error("live > 2"), "expected 'NAME: CONDITION', got 'live > 2'");
  EXPECT_EQ(error("a: live >= x"), "alert 'a': expected a number, got '=' in 'live >= x'");
  EXPECT_EQ(error("a: live{page=/x} > 1"), "alert 'a': unknown label 'page' (path, host) in 'live{page=/x} > 1'");
  EXPECT_EQ(error("a: live < 1 for 10 minutes"),
            "alert 'a': expected a duration like 30s, 10m or 2h, got '10 minutes' in 'live < 1 for 10 minutes'");
  EXPECT_EQ(error("a: visitors > 1"), "alert 'a': expected a measure: live in 'visitors > 1'");
  EXPECT_EQ(error("a: views_per_minute > 3x baseline"),
            "alert 'a': views_per_minute is not supported by this build yet in 'views_per_minute > 3x baseline'");
}

TEST(AlertRule, BadFlagExitsWithStatusTwo) {
  const auto parsed = parse_options({"onlookerd", "--ring", "/r", "--db", "/d", "--alert", "x: live ~ 3"});
  const auto* exit = std::get_if<ParseExit>(&parsed);
  ASSERT_NE(exit, nullptr);
  EXPECT_EQ(exit->status, 2);
  EXPECT_NE(exit->text.find("invalid --alert: alert 'x': expected > or <"), std::string::npos) << exit->text;
  const auto good = parse_options({"onlookerd", "--ring", "/r", "--db", "/d", "--alert", "a: live > 1",
                                   "--alert", "b: live < 1 for 5s"});
  ASSERT_TRUE(std::holds_alternative<Options>(good));
  EXPECT_EQ(std::get<Options>(good).alerts.size(), 2u);
}

TEST(AlertEvaluator, FiresOnceAfterItsDurationAndClearsOnceAfterTheHold) {
  AlertEvaluator alerts({rule("busy: live > 10 for 3s")}, 5s);
  double live = 11;
  auto at = [&](std::int64_t s) { return alerts.step(s * 1000, [&](const AlertRule&) { return live; }); };
  EXPECT_TRUE(at(0).empty());
  EXPECT_TRUE(at(2).empty());
  const auto fired = at(3);
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].state, AlertEvent::State::firing);
  EXPECT_EQ(fired[0].value, 11);
  EXPECT_TRUE(at(4).empty());  // once
  EXPECT_EQ(alerts.firing(), 1);
  live = 5;
  EXPECT_TRUE(at(5).empty());
  live = 12;  // back above before the hold: still the same firing
  EXPECT_TRUE(at(6).empty());
  live = 5;
  EXPECT_TRUE(at(7).empty());
  EXPECT_TRUE(at(11).empty());
  const auto cleared = at(12);
  ASSERT_EQ(cleared.size(), 1u);
  EXPECT_EQ(cleared[0].state, AlertEvent::State::cleared);
  EXPECT_TRUE(at(13).empty());
  EXPECT_EQ(alerts.firing(), 0);
  EXPECT_EQ(alerts.fired_total(), 1u);
}

TEST(AlertEvaluator, AFlickerShorterThanTheDurationNeverFires) {
  AlertEvaluator alerts({rule("quiet: live < 1 for 10s")}, 1s);
  for (int s = 0; s < 60; ++s) {
    const double live = s % 9 == 0 ? 3 : 0;  // someone comes by every 9 s
    EXPECT_TRUE(alerts.step(s * 1000, [&](const AlertRule&) { return live; }).empty()) << s;
  }
}

}  // namespace
}  // namespace onlooker
