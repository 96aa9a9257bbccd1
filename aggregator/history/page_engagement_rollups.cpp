#include "page_engagement_rollups.h"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <tuple>
#include <utility>

#include "calendar.h"
#include "page_engagement_sql.h"

namespace onlooker {

// The SQL that checks these rollups keeps the same journey length and cap.
static_assert(journey_views_kept == 100 &&
              page_engagement_from_hits_sql.find("step < 100") != std::string_view::npos);
static_assert(PresenceSettings{}.estimate_cap_ms == 180'000 &&
              page_engagement_from_hits_sql.find("> 180000 THEN 180000") != std::string_view::npos);

std::vector<PageEngagementDelta> page_engagement_deltas(std::span<const Visit> visits) {
  using Key = std::tuple<std::string_view, std::int64_t, std::string_view>;
  absl::flat_hash_map<Key, PageEngagementDelta> sums;
  for (const Visit& visit : visits) {
    if (visit.page_engaged.empty() || visit.device == "bot") continue;
    const std::int64_t day = bucket_start(RollupSpan::day, visit.start_ms);
    for (const PageEngaged& page : visit.page_engaged) {
      PageEngagementDelta& sum = sums[Key{page.path, day, visit.host}];
      sum.views += page.views;
      sum.engaged_ms += page.engaged_ms;
      if (visit.engaged_estimated) sum.estimated_views += page.views;
    }
  }
  std::vector<std::pair<Key, PageEngagementDelta>> sorted(sums.begin(), sums.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<PageEngagementDelta> deltas;
  deltas.reserve(sorted.size());
  for (auto& [key, sum] : sorted) {
    const auto& [path, day, host] = key;
    sum.start_ms = day;
    sum.host = host;
    sum.path = path;
    deltas.push_back(sum);
  }
  return deltas;
}

}  // namespace onlooker
