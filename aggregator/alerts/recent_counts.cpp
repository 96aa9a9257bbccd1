#include "recent_counts.h"

#include <algorithm>

#include "person_view.h"

namespace onlooker {

RecentCounts::Second* RecentCounts::bucket(std::int64_t ts_ms) {
  const std::int64_t second = ts_ms / 1000;
  newest_s_ = std::max(newest_s_, second);
  if (second <= newest_s_ - window_s) return nullptr;
  Second& slot = seconds_[static_cast<std::size_t>(second % window_s)];
  if (slot.second != second) slot = Second{second, {}};
  return &slot;
}

void RecentCounts::count_view(std::int64_t ts_ms, bool person) {
  const std::lock_guard lock(mutex_);
  if (Second* slot = bucket(ts_ms)) {
    ++slot->totals.views;
    if (person) ++slot->totals.person_views;
  }
}

void RecentCounts::count_error(std::int64_t ts_ms) {
  errors_total_.fetch_add(1, std::memory_order_relaxed);
  const std::lock_guard lock(mutex_);
  if (Second* slot = bucket(ts_ms)) ++slot->totals.errors;
}

void RecentCounts::count_remote_hits(const std::vector<Hit>& hits) {
  const std::lock_guard lock(mutex_);
  for (const Hit& hit : hits) {
    if (hit.kind != HitKind::view) continue;
    if (Second* slot = bucket(hit.ts_ms)) {
      ++slot->totals.views;
      if (is_person_view(hit)) ++slot->totals.person_views;
    }
  }
}

void RecentCounts::count_remote_errors(std::int64_t ts_ms, std::uint64_t count) {
  const std::lock_guard lock(mutex_);
  if (Second* slot = bucket(ts_ms)) slot->totals.errors += static_cast<std::int64_t>(count);
}

MinuteTotals RecentCounts::last_minute(std::int64_t now_ms) const {
  const std::int64_t now_s = now_ms / 1000;
  MinuteTotals sum;
  const std::lock_guard lock(mutex_);
  for (const Second& slot : seconds_) {
    if (slot.second <= now_s - window_s || slot.second > now_s) continue;
    sum.views += slot.totals.views;
    sum.person_views += slot.totals.person_views;
    sum.errors += slot.totals.errors;
  }
  return sum;
}

}  // namespace onlooker
