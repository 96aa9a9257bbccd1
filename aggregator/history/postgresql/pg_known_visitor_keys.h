// The rollup visitor keys this node knows are in rollup_visitor_keys: those
// its own commits sent in recent buckets. A batch leaves them out, since
// inserting them again would do nothing (ON CONFLICT DO NOTHING): most of a
// person's views repeat a key of an earlier view in the same hour and day.
// Exact, because a key is remembered only after the commit that sent it
// succeeded, and is then in the table whichever node put it there; a key
// not remembered (evicted, another node's, a restart) is sent and the table
// decides, as without this set. Retention deletes keys only of buckets far
// older than the ones kept here.
#pragma once

#include <cstddef>
#include <climits>
#include <cstdint>
#include <map>
#include <span>
#include <utility>

#include <absl/container/flat_hash_set.h>

#include "hit.h"
#include "pg_visitor_keys.h"

namespace onlooker::pg {

struct VisitorKey {
  std::int64_t start_ms = 0;
  std::uint8_t row_kind = 0;
  ValueKey value{};
  VisitorId visitor{};
  friend bool operator==(const VisitorKey&, const VisitorKey&) = default;
  template <class H>
  friend H AbslHashValue(H state, const VisitorKey& key) {
    return H::combine(std::move(state), key.start_ms, key.row_kind, key.value, key.visitor);
  }
};

class KnownVisitorKeys {
 public:
  // Holds at most `capacity` keys (about 60 bytes each): past it, every key
  // is forgotten and the table decides again until they are sent once more.
  explicit KnownVisitorKeys(std::size_t capacity = default_capacity) : capacity_(capacity) {}

  bool contains(const VisitorKey& key) const;
  // Keys a successful commit sent.
  void remember(std::span<const VisitorKey> keys);
  std::size_t size() const { return size_; }

  static constexpr std::size_t default_capacity = 1 << 19;
  // Buckets kept behind the newest one a key fell in (as HistoryRollups).
  static constexpr int kept_hours = 3;
  static constexpr int kept_days = 2;

 private:
  // (is a day, start) -> the bucket's keys; ordered so the oldest go first.
  using Bucket = std::pair<bool, std::int64_t>;
  void evict_old();

  std::map<Bucket, absl::flat_hash_set<VisitorKey>> buckets_;
  std::size_t capacity_;
  std::size_t size_ = 0;
  std::int64_t newest_hour_ = INT64_MIN;
  std::int64_t newest_day_ = INT64_MIN;
};

}  // namespace onlooker::pg
