// An alert rule, `NAME: CONDITION`, as --alert and the config's `alert =`
// give it. The measures:
//   live > 200            people on the site(s) now
//   live{path=/checkout} > 20   people on one page (host=... for one host)
//   live < 1 for 10m      the condition must hold this long before it fires
//   views_per_minute > 3x baseline   people's page views in the last 60 s
//                         against the baseline (alerts/view_baseline.h);
//                         `views_per_minute > 500` compares with a number
//   status5xx_share{live} > 5%   error records / (views + error records)
//                         in the last 60 s, in percent (`> 5` is the same)
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <variant>

namespace onlooker {

struct AlertRule {
  enum class Op { above, below };
  enum class Measure { live, views_per_minute, status5xx_share };
  std::string name;
  std::string condition;  // as written, for the log and the webhook
  std::string host;       // empty: every host
  std::string path;       // empty: the whole host
  Measure measure = Measure::live;
  Op op = Op::above;
  double threshold = 0;
  // `3x baseline`: the value is compared with threshold x the baseline
  // (views_per_minute only), which the evaluator's caller supplies.
  bool of_baseline = false;
  std::chrono::milliseconds hold{0};  // `for`: how long it must hold to fire

  bool holds(double value) const { return holds(value, threshold); }
  bool holds(double value, double limit) const { return op == Op::above ? value > limit : value < limit; }
};

// The rule, or an error meant for the operator (onlookerd exits 2 with it).
std::variant<AlertRule, std::string> parse_alert_rule(std::string_view text);

}  // namespace onlooker
