// The journeys part of a history report, shared by the backends: which
// journey rollup rows a range reads (month rows for the months inside it,
// day rows for the days at its ends), and the lists made from what they
// sum to. A backend only runs the query (sqlite/, postgresql/).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "history_reader.h"

namespace onlooker {

// Day rows in [from_day_ms, months_from_ms) and [months_to_ms, to_day_ms),
// month rows in [months_from_ms, months_to_ms) (empty when no whole month).
// PostgreSQL reads these; SQLite plans cheaper parts from the same range
// (journey_plan.h).
struct JourneyRange {
  std::int64_t from_day_ms = 0;
  std::int64_t months_from_ms = 0;
  std::int64_t months_to_ms = 0;
  std::int64_t to_day_ms = 0;
};
JourneyRange journey_range(const HistoryRequest& request);

// One (from, to) pair summed over the range; '' is outside the site.
struct JourneySum {
  std::string from_path;
  std::string to_path;
  std::int64_t views = 0;
};

// Fills report.entry_pages, exit_pages and transitions from every pair the
// range holds (in any order).
void add_journeys(const HistoryRequest& request, const std::vector<JourneySum>& sums,
                  HistoryReport& report);

}  // namespace onlooker
