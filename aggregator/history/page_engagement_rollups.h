// What closed visits add to the per-page engagement rollups (issue 18):
// per UTC day of the visit's start, site and page, the page views with an
// engaged time, that time summed, and how many of those views were
// estimated (no beacon.js: the time to the next view, capped). The day is
// the visit's, as for visit_rollups and journey_rollups: a page's engaged
// time is only known once the next view or the leave arrives, and a visit's
// figures all land in one bucket. Bots' visits are left out.
// Said once here for both backends, and once in SQL over hits and visits
// (page_engagement_sql.h), which the tests hold the rollups to.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "visit_tracker.h"

namespace onlooker {

struct PageEngagementDelta {
  std::int64_t start_ms = 0;  // the UTC day the visits began
  std::string_view host;      // these point into the visits
  std::string_view path;
  std::int64_t views = 0;     // page views with an engaged time
  std::int64_t engaged_ms = 0;
  std::int64_t estimated_views = 0;
  friend bool operator==(const PageEngagementDelta&, const PageEngagementDelta&) = default;
};

// Summed over `visits`, one delta per (path, start, host), in that order
// (the table's key: PostgreSQL nodes upsert in one order, no deadlock).
std::vector<PageEngagementDelta> page_engagement_deltas(std::span<const Visit> visits);

}  // namespace onlooker
