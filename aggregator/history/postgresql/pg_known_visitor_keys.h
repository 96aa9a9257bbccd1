// The rollup visitor days this node knows are in rollup_visitor_days, with
// the hours they hold: those its own commits sent in recent days. A batch
// leaves out a visitor day whose hours it knows are all there, since the
// upsert would do nothing: most of a person's views repeat the day row and
// hour of an earlier view. Exact, because what a commit sent is remembered
// only after it succeeded, and is then in the table whichever node put it
// there (hours are only ever added to a row); what is not remembered
// (evicted, another node's, a restart, anything before a reconnect) is sent
// and the table decides, as without this set. Retention deletes only days
// far older than those kept.
#pragma once

#include <climits>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <utility>

#include <absl/container/flat_hash_map.h>

#include "hit.h"
#include "pg_visitor_keys.h"

namespace onlooker::pg {

// The key of a rollup_visitor_days row.
struct VisitorDay {
  std::int64_t day_ms = 0;
  std::uint8_t dimension = 0;  // RollupDimension
  ValueKey value{};
  VisitorId visitor{};
  friend bool operator==(const VisitorDay&, const VisitorDay&) = default;
  template <class H>
  friend H AbslHashValue(H state, const VisitorDay& key) {
    return H::combine(std::move(state), key.day_ms, key.dimension, key.value, key.visitor);
  }
};

class KnownVisitorKeys {
 public:
  // Holds at most `capacity` visitor days (about 70 bytes each): past it,
  // all are forgotten and the table decides until they are sent once more.
  explicit KnownVisitorKeys(std::size_t capacity = default_capacity) : capacity_(capacity) {}

  // The hours of `key`'s day known to be in its row (0: none known).
  std::uint32_t hours(const VisitorDay& key) const;
  // What a successful commit sent.
  void remember(std::span<const std::pair<VisitorDay, std::uint32_t>> sent);
  std::size_t size() const { return size_; }
  void forget() {
    days_.clear();
    size_ = 0;
  }

  static constexpr std::size_t default_capacity = 1 << 19;
  // Days kept behind the newest one sent (as HistoryRollups keeps).
  static constexpr int kept_days = 2;

 private:
  void evict_old();

  std::map<std::int64_t, absl::flat_hash_map<VisitorDay, std::uint32_t>> days_;
  std::size_t capacity_;
  std::size_t size_ = 0;
  std::int64_t newest_day_ = INT64_MIN;
};

}  // namespace onlooker::pg
