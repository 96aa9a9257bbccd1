#include "pg_known_visitor_keys.h"

#include <algorithm>

namespace onlooker::pg {

namespace {

bool is_day(const VisitorKey& key) { return key.row_kind >= row_kind(RollupSpan::day, {}); }

}  // namespace

bool KnownVisitorKeys::contains(const VisitorKey& key) const {
  const auto bucket = buckets_.find({is_day(key), key.start_ms});
  return bucket != buckets_.end() && bucket->second.contains(key);
}

void KnownVisitorKeys::remember(std::span<const VisitorKey> keys) {
  if (keys.size() > capacity_) return;
  if (size_ + keys.size() > capacity_) {
    buckets_.clear();
    size_ = 0;
  }
  for (const VisitorKey& key : keys) {
    const bool day = is_day(key);
    auto& newest = day ? newest_day_ : newest_hour_;
    newest = std::max(newest, key.start_ms);
    if (buckets_[{day, key.start_ms}].insert(key).second) ++size_;
  }
  evict_old();
}

void KnownVisitorKeys::evict_old() {
  auto behind = [](std::int64_t newest, std::int64_t width) {
    return newest == INT64_MIN ? newest : newest - width;
  };
  const std::int64_t oldest_hour = behind(newest_hour_, (kept_hours - 1) * hour_ms);
  const std::int64_t oldest_day = behind(newest_day_, (kept_days - 1) * day_ms);
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const auto& [day, start] = it->first;
    if (start < (day ? oldest_day : oldest_hour)) {
      size_ -= it->second.size();
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace onlooker::pg
