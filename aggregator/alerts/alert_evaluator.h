// Rules against live values, once a second: each rule fires once when its
// condition has held for its `for` (none: at once) and clears once when it
// has not held for the clear hold (at least 10 s by default, and at least
// its `for`): the hysteresis that keeps a value wobbling around the
// threshold from firing every second. Pure logic: no clock, no I/O.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "alert_notice.h"
#include "alert_rule.h"

namespace onlooker {

struct AlertEvent {
  enum class State { firing, cleared };
  const AlertRule* rule = nullptr;
  State state = State::firing;
  double value = 0;
  std::int64_t ts_ms = 0;
};

// A rule's measure now, and what it is compared with: the rule's threshold,
// or for a `3x baseline` rule threshold x the baseline (the caller knows
// the baseline; +infinity while there is none, so an `above` never holds).
struct AlertReading {
  AlertReading(double measured) : value(measured) {}  // NOLINT: a plain value reads as one
  AlertReading(double measured, double compared_with) : value(measured), limit(compared_with) {}
  double value = 0;
  std::optional<double> limit;  // none: the rule's threshold
};

class AlertEvaluator {
 public:
  explicit AlertEvaluator(std::vector<AlertRule> rules,
                          std::chrono::milliseconds clear_hold = std::chrono::seconds(10));

  // `value_of(rule)`: the rule's measure now. Returns what changed.
  std::vector<AlertEvent> step(std::int64_t now_ms,
                               const std::function<AlertReading(const AlertRule&)>& value_of);

  const std::vector<AlertRule>& rules() const { return rules_; }
  std::int64_t firing() const;
  // The rules firing now, in rule order.
  std::vector<FiringAlert> firing_alerts() const;
  std::uint64_t fired_total() const { return fired_total_; }

 private:
  struct State {
    bool firing = false;
    std::int64_t since_ms = -1;  // when the condition last became what firing is not
    std::int64_t fired_ms = 0;   // when it last fired
    double value = 0;            // at the last step
  };
  std::vector<AlertRule> rules_;
  std::vector<State> states_;
  std::chrono::milliseconds clear_hold_;
  std::uint64_t fired_total_ = 0;
};

}  // namespace onlooker
