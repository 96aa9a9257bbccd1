// Which journey rollup rows a range reads, cheaper than day rows for every
// edge day (journey_report.h's JourneyRange): a month the range covers only
// in part may be read as its month row minus the day rows outside the
// range, when fewer days hold rows outside than inside (a range ending today
// reads the month so far as one month row). Exact because a month row is
// the sum of its day rows (written in one transaction) -- unless retention
// deleted some of that month's day rows, so the backend says per month
// whether they are all still there (month_is_whole).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "journey_report.h"
#include "journey_rollups.h"

namespace onlooker {

// Rows of `span` with start in [from_ms, to_ms), each counted `sign` times.
struct JourneyPart {
  JourneySpan span = JourneySpan::day;
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
  int sign = 1;
  bool operator==(const JourneyPart&) const = default;
};

// What the stored day rows span: [first_day_ms, last_day_ms] are the first
// and last starts of any day row, read in the same transaction as the parts
// (days outside them are not read at all). Empty table: first > last.
struct JourneyDays {
  std::int64_t first_day_ms = 0;
  std::int64_t last_day_ms = -1;
};

// The parts that sum to the range's journeys; month_is_whole(month_start)
// is asked only of months the plan would read minus days.
std::vector<JourneyPart> plan_journey_parts(
    const JourneyRange& range, const JourneyDays& days,
    const std::function<bool(std::int64_t month_start_ms)>& month_is_whole);

}  // namespace onlooker
