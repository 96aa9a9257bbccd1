#include "journey_rollups.h"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <chrono>
#include <tuple>
#include <utility>

#include "calendar.h"
#include "journey_sql.h"

namespace onlooker {

// The SQL that checks these rollups keeps the same number of views.
static_assert(journey_views_kept == 100 &&
              journey_from_hits_sql.find("row_number() OVER w = 100 THEN") != std::string_view::npos &&
              journey_from_hits_sql.find("step <= 100") != std::string_view::npos);

std::int64_t month_start(std::int64_t ts_ms) {
  using namespace std::chrono;
  const year_month_day date{floor<days>(sys_time<milliseconds>(milliseconds(ts_ms)))};
  return duration_cast<milliseconds>(sys_days(date.year() / date.month() / 1).time_since_epoch())
      .count();
}

std::int64_t next_month_start(std::int64_t ts_ms) {
  using namespace std::chrono;
  const year_month_day date{floor<days>(sys_time<milliseconds>(milliseconds(ts_ms)))};
  const year_month next = date.year() / date.month() + months(1);
  return duration_cast<milliseconds>(sys_days(next / 1).time_since_epoch()).count();
}

std::vector<JourneyDelta> journey_deltas(std::span<const Visit> visits) {
  // Counted in a hash map, then the distinct keys sorted once: a batch has
  // many views per distinct step, and a tree map compared three strings at
  // every level for each view (perf: ~5 % of the drain without enrichment).
  using Key = std::tuple<JourneySpan, std::int64_t, std::string_view, std::string_view,
                         std::string_view>;
  absl::flat_hash_map<Key, std::int64_t> counts;
  for (const Visit& visit : visits) {
    if (visit.journey.empty() || visit.device == "bot") continue;
    const std::int64_t starts[] = {bucket_start(RollupSpan::day, visit.start_ms),
                                   month_start(visit.start_ms)};
    for (const JourneySpan span : journey_spans) {
      const std::int64_t start = starts[static_cast<int>(span)];
      std::string_view from;  // outside the site
      for (const JourneyView& view : visit.journey) {
        ++counts[Key{span, start, visit.host, from, view.path}];
        from = view.path;
      }
      ++counts[Key{span, start, visit.host, from, std::string_view{}}];
    }
  }
  std::vector<std::pair<Key, std::int64_t>> sorted(counts.begin(), counts.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<JourneyDelta> deltas;
  deltas.reserve(sorted.size());
  for (const auto& [key, count] : sorted) {
    const auto& [span, start, host, from, to] = key;
    deltas.push_back({span, start, host, from, to, count});
  }
  return deltas;
}

}  // namespace onlooker
