// An alert rule, `NAME: CONDITION`, as --alert and the config's `alert =`
// give it. This build evaluates the live-count conditions:
//   live > 200            people on the site(s) now
//   live{path=/checkout} > 20   people on one page (host=... for one host)
//   live < 1 for 10m      the condition must hold this long before it fires
// views_per_minute and status5xx_share (issue 19) are refused with a message
// saying so: they need a baseline and 5xx counting not built yet.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <variant>

namespace onlooker {

struct AlertRule {
  enum class Op { above, below };
  std::string name;
  std::string condition;  // as written, for the log and the webhook
  std::string host;       // empty: every host
  std::string path;       // empty: the whole host
  Op op = Op::above;
  double threshold = 0;
  std::chrono::milliseconds hold{0};  // `for`: how long it must hold to fire

  bool holds(double value) const { return op == Op::above ? value > threshold : value < threshold; }
};

// The rule, or an error meant for the operator (onlookerd exits 2 with it).
std::variant<AlertRule, std::string> parse_alert_rule(std::string_view text);

}  // namespace onlooker
