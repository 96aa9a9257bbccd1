#include "pg_known_visitor_keys.h"

#include <algorithm>

namespace onlooker::pg {

std::uint32_t KnownVisitorKeys::hours(const VisitorDay& key) const {
  const auto day = days_.find(key.day_ms);
  if (day == days_.end()) return 0;
  const auto found = day->second.find(key);
  return found == day->second.end() ? 0 : found->second;
}

void KnownVisitorKeys::remember(std::span<const std::pair<VisitorDay, std::uint32_t>> sent) {
  if (sent.empty() || sent.size() > capacity_) return;
  if (size_ + sent.size() > capacity_) forget();
  for (const auto& [key, hours] : sent) {
    newest_day_ = std::max(newest_day_, key.day_ms);
    const auto [at, created] = days_[key.day_ms].try_emplace(key, 0);
    at->second |= hours;
    if (created) ++size_;
  }
  evict_old();
}

void KnownVisitorKeys::evict_old() {
  const std::int64_t oldest = newest_day_ - (kept_days - 1) * day_ms;
  while (!days_.empty() && days_.begin()->first < oldest) {
    size_ -= days_.begin()->second.size();
    days_.erase(days_.begin());
  }
}

}  // namespace onlooker::pg
