// What closed visits add to the journey rollups: per UTC day (and month) of
// the visit's start and site, how many visits went from one page to the next. One table
// holds entries, transitions and exits alike, with '' standing for outside
// the site (paths are never empty):
//   ''    -> entry   the visit's first page view (its entry page)
//   from  -> to      consecutive page views in the visit
//   exit  -> ''      the last page view, after which the visitor left
// so every view of a journey is the `from` of exactly one row and the `to`
// of exactly one row. Bots' visits are left out, as everywhere in history.
// A month's rows are the sums of its days' rows: a range of a year reads
// twelve months' rows and the days at its ends, not 365 days' rows.
// Said once here for both backends (SQLite and PostgreSQL add these rows to
// journey_rollups), and once in SQL over hits and visits (journey_sql.h),
// which the tests hold the rollups to.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "visit_tracker.h"

namespace onlooker {

enum class JourneySpan : std::uint8_t { day, month };
inline constexpr JourneySpan journey_spans[] = {JourneySpan::day, JourneySpan::month};
constexpr std::string_view to_string(JourneySpan span) {
  return span == JourneySpan::day ? "day" : "month";
}

// Unix ms of the start of the UTC calendar month holding ts_ms.
std::int64_t month_start(std::int64_t ts_ms);
// Unix ms of the start of the next UTC month after the one holding ts_ms.
std::int64_t next_month_start(std::int64_t ts_ms);

struct JourneyDelta {
  JourneySpan span = JourneySpan::day;
  std::int64_t start_ms = 0;  // the UTC day or month the visit began in
  std::string_view host;    // these point into the visits
  std::string_view from_path;
  std::string_view to_path;
  std::int64_t visits = 0;
};

// Summed over `visits`, one delta per (span, start, host, from, to), in that
// order (PostgreSQL nodes upsert in one order: no deadlock between them).
std::vector<JourneyDelta> journey_deltas(std::span<const Visit> visits);

}  // namespace onlooker
