// One row of the history's `alerts` table: a rule that fired or cleared,
// with the node that saw it (docs/SQL.md).
#pragma once

#include <cstdint>
#include <string>

namespace onlooker {

struct AlertRow {
  std::string rule;
  std::string condition;
  double value = 0;
  std::string state;  // "firing" or "cleared"
  std::int64_t time_ms = 0;
  std::string node;
  friend bool operator==(const AlertRow&, const AlertRow&) = default;
};

}  // namespace onlooker
