// One fired or cleared alert as it leaves the evaluator, and the interface
// of whatever takes it (the webhook delivery, the history's alerts table).
// Sinks are called on the I/O thread, once per change: they must not block
// (queue and return).
#pragma once

#include <cstdint>
#include <string>

namespace onlooker {

struct AlertNotice {
  std::string rule;       // the rule's name
  std::string condition;  // as written
  double value = 0;       // the measure when it changed
  bool firing = true;     // false: cleared
  std::int64_t time_ms = 0;  // Unix milliseconds
};

// A rule firing now, for the live snapshot's "alerts" and the dashboard.
struct FiringAlert {
  std::string name;
  std::string condition;
  double value = 0;           // at the last evaluation
  std::int64_t since_ms = 0;  // when it fired
};

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void alert(const AlertNotice& notice) = 0;
};

}  // namespace onlooker
