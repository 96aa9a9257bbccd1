// Alert rules: parsing (with the errors an operator sees) and the evaluator's
// fire-once / clear-once with a minimum duration and a clear hold.
#include <gtest/gtest.h>

#include <cmath>
#include <variant>

#include "alert_evaluator.h"
#include "alert_rule.h"
#include "options.h"
#include "hit.h"
#include "recent_counts.h"

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
  EXPECT_EQ(error("a: visitors > 1"),
            "alert 'a': expected a measure: live, views_per_minute or status5xx_share in 'visitors > 1'");
  EXPECT_EQ(error("a: lively > 1"),
            "alert 'a': expected a measure: live, views_per_minute or status5xx_share in 'lively > 1'");
  EXPECT_EQ(error("a: views_per_minute > 3x normal"),
            "alert 'a': expected 'baseline' after '3x' in 'views_per_minute > 3x normal'");
  EXPECT_EQ(error("a: views_per_minute{path=/x} > 3"),
            "alert 'a': views_per_minute takes no labels in 'views_per_minute{path=/x} > 3'");
  EXPECT_EQ(error("a: status5xx_share{path=/x} > 5%"),
            "alert 'a': status5xx_share takes {live} only in 'status5xx_share{path=/x} > 5%'");
  EXPECT_EQ(error("a: live > 5%"), "alert 'a': expected a number, got '5%' in 'live > 5%'");
  EXPECT_EQ(error("a: live > 3x baseline"), "alert 'a': expected a number, got '3x' in 'live > 3x baseline'");
}

TEST(AlertRule, ParsesTheViewAndErrorConditions) {
  const AlertRule surge = rule("surge: views_per_minute > 3x baseline");
  EXPECT_EQ(surge.measure, AlertRule::Measure::views_per_minute);
  EXPECT_TRUE(surge.of_baseline);
  EXPECT_EQ(surge.threshold, 3);
  EXPECT_EQ(surge.op, AlertRule::Op::above);
  const AlertRule slow = rule("slow: views_per_minute < 0.5x baseline for 5m");
  EXPECT_TRUE(slow.of_baseline);
  EXPECT_EQ(slow.threshold, 0.5);
  EXPECT_EQ(slow.hold, 5min);
  const AlertRule absolute = rule("many: views_per_minute > 500");
  EXPECT_FALSE(absolute.of_baseline);
  EXPECT_EQ(absolute.threshold, 500);
  const AlertRule errors = rule("errors: status5xx_share{live} > 5%");
  EXPECT_EQ(errors.measure, AlertRule::Measure::status5xx_share);
  EXPECT_EQ(errors.threshold, 5);
  EXPECT_FALSE(errors.of_baseline);
  EXPECT_EQ(errors.condition, "status5xx_share{live} > 5%");
  EXPECT_EQ(rule("e: status5xx_share > 2.5 for 30s").threshold, 2.5);
  EXPECT_EQ(rule("e: status5xx_share > 2.5 for 30s").hold, 30s);
  EXPECT_EQ(rule("busy: live > 200").measure, AlertRule::Measure::live);
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

TEST(AlertEvaluator, ABaselineRuleComparesWithTheLimitItIsGiven) {
  AlertEvaluator alerts({rule("surge: views_per_minute > 3x baseline")}, 2s);
  double views = 40;
  double limit = 3 * 20;  // a baseline of 20 a minute
  auto at = [&](std::int64_t s) {
    return alerts.step(s * 1000, [&](const AlertRule&) { return AlertReading(views, limit); });
  };
  EXPECT_TRUE(at(0).empty());  // 40 is not above 60 (the threshold, 3, would be)
  views = 61;
  const auto fired = at(1);
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].value, 61);
  limit = 90;  // the next minute's baseline is higher: 61 no longer holds
  EXPECT_TRUE(at(2).empty());
  EXPECT_EQ(at(4).size(), 1u);  // cleared after the hold
  limit = HUGE_VAL;  // no baseline: never fires
  views = 1e9;
  for (int s = 5; s < 10; ++s) EXPECT_TRUE(at(s).empty()) << s;
}

TEST(AlertEvaluator, TheErrorShareFiresAboveItsPercentAndClears) {
  AlertEvaluator alerts({rule("errors: status5xx_share{live} > 5%")}, 1s);
  MinuteTotals minute{.views = 95, .person_views = 90, .errors = 5};
  auto at = [&](std::int64_t s) {
    return alerts.step(s * 1000, [&](const AlertRule&) { return minute.error_percent(); });
  };
  EXPECT_TRUE(at(0).empty());  // 5 of 100: exactly 5%, not above
  minute.errors = 6;
  const auto fired = at(1);
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_NEAR(fired[0].value, 600.0 / 101, 1e-9);
  minute = {};  // nothing tracked: a share of 0
  EXPECT_TRUE(at(2).empty());
  ASSERT_EQ(at(3).size(), 1u);
  EXPECT_EQ(alerts.firing(), 0);
}

TEST(RecentCounts, CountTheLastSixtySecondsByTheRecordsTime) {
  RecentCounts counts;
  const std::int64_t t0 = 1'794'960'000'000;
  counts.count_view(t0, true);
  counts.count_view(t0 + 500, false);  // a bot's view: tracked, not a person's
  counts.count_error(t0 + 900);
  counts.count_view(t0 + 30'000, true);
  counts.count_error(t0 + 59'999);
  MinuteTotals now = counts.last_minute(t0 + 59'999);
  EXPECT_EQ(now.views, 3);
  EXPECT_EQ(now.person_views, 2);
  EXPECT_EQ(now.errors, 2);
  EXPECT_DOUBLE_EQ(now.error_percent(), 40);
  // A minute on, the first second has left the window.
  now = counts.last_minute(t0 + 60'000);
  EXPECT_EQ(now.views, 1);
  EXPECT_EQ(now.errors, 1);
  // A record from before the window is not counted (a backlog after a restart).
  counts.count_error(t0 + 120'000);
  counts.count_error(t0 + 1'000);
  EXPECT_EQ(counts.last_minute(t0 + 120'000).errors, 1);
  EXPECT_EQ(counts.errors_total(), 4u);
  // A bucket reused for a later second starts from zero.
  counts.count_view(t0 + 180'000, true);
  EXPECT_EQ(counts.last_minute(t0 + 180'000).views, 1);
  EXPECT_EQ(MinuteTotals{}.error_percent(), 0);
}

// Another node's stream entry: its views count (a bot's as tracked, not as a
// person's), its beats and leaves do not, and its error count adds to the
// share; none of it is this node's onlooker_page_errors_total.
TEST(RecentCounts, OtherNodesViewsAndErrorsCountLikeThisNodes) {
  RecentCounts counts;
  const std::int64_t t0 = 1'794'960'000'000;
  auto hit = [&](HitKind kind, std::int64_t ts_ms, const char* device) {
    Hit made;
    made.kind = kind;
    made.ts_ms = ts_ms;
    made.device = device;
    return made;
  };
  counts.count_view(t0, true);
  counts.count_remote_hits({hit(HitKind::view, t0 + 10, "desktop"),
                            hit(HitKind::view, t0 + 20, "bot"),
                            hit(HitKind::beat, t0 + 30, "desktop"),
                            hit(HitKind::leave, t0 + 40, "desktop"),
                            hit(HitKind::view, t0 - 61'000, "desktop")});  // before the window
  counts.count_remote_errors(t0 + 50, 3);
  const MinuteTotals now = counts.last_minute(t0 + 1'000);
  EXPECT_EQ(now.views, 3);
  EXPECT_EQ(now.person_views, 2);
  EXPECT_EQ(now.errors, 3);
  EXPECT_DOUBLE_EQ(now.error_percent(), 50);
  EXPECT_EQ(counts.errors_total(), 0u);
}

}  // namespace
}  // namespace onlooker
