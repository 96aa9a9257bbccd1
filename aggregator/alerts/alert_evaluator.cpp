#include "alert_evaluator.h"

#include <algorithm>

namespace onlooker {

AlertEvaluator::AlertEvaluator(std::vector<AlertRule> rules, std::chrono::milliseconds clear_hold)
    : rules_(std::move(rules)), states_(rules_.size()), clear_hold_(clear_hold) {}

std::vector<AlertEvent> AlertEvaluator::step(
    std::int64_t now_ms, const std::function<AlertReading(const AlertRule&)>& value_of) {
  std::vector<AlertEvent> events;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const AlertRule& rule = rules_[i];
    State& state = states_[i];
    const AlertReading reading = value_of(rule);
    const double value = reading.value;
    state.value = value;
    // The condition for a change: holding while cleared, or not holding while firing.
    const bool toward_change = rule.holds(value, reading.limit.value_or(rule.threshold)) != state.firing;
    if (!toward_change) {
      state.since_ms = -1;
      continue;
    }
    if (state.since_ms < 0) state.since_ms = now_ms;
    const auto needed = state.firing ? std::max(rule.hold, clear_hold_) : rule.hold;
    if (now_ms - state.since_ms < needed.count()) continue;
    state.firing = !state.firing;
    state.since_ms = -1;
    if (state.firing) {
      ++fired_total_;
      state.fired_ms = now_ms;
    }
    events.push_back({&rule, state.firing ? AlertEvent::State::firing : AlertEvent::State::cleared,
                      value, now_ms});
  }
  return events;
}

std::int64_t AlertEvaluator::firing() const {
  return std::count_if(states_.begin(), states_.end(), [](const State& s) { return s.firing; });
}

std::vector<FiringAlert> AlertEvaluator::firing_alerts() const {
  std::vector<FiringAlert> out;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    if (!states_[i].firing) continue;
    out.push_back({rules_[i].name, rules_[i].condition, states_[i].value, states_[i].fired_ms});
  }
  return out;
}

}  // namespace onlooker
