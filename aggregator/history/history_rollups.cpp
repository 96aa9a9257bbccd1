#include "history_rollups.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <stdexcept>

#include <absl/container/flat_hash_map.h>

#include "person_view.h"

namespace onlooker {

namespace {

// splitmix64's finaliser: spreads every input bit over the result.
std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Identifies "this visitor in that row" in a bucket's set of counted visitors.
std::uint64_t counted_key(std::uint64_t row, const VisitorId& visitor) {
  std::uint64_t halves[2];
  std::memcpy(halves, visitor.data(), sizeof halves);
  return mix(row ^ mix(halves[0] ^ mix(halves[1])));
}

// A rollup row a view is counted under, with a hash of (dimension, host,
// value) that identifies the row within a bucket. `counted` is false for a
// source or campaign the view does not have: no row for "none" there.
struct Row {
  RollupDimension dimension;
  std::string_view value;
  std::uint64_t hash;
  bool counted;
};

// Every view counts under the site, its page and its country (empty:
// located nowhere); under its source and campaign when it has them.
std::array<Row, std::size(rollup_dimensions)> rows_of(std::string_view host, std::string_view path,
                                                      std::string_view country,
                                                      std::string_view source,
                                                      std::string_view campaign) {
  const std::hash<std::string_view> hash;
  const std::uint64_t host_hash = hash(host);
  auto row = [&](RollupDimension dimension, std::string_view value, bool counted = true) {
    return Row{dimension, value,
               mix(host_hash ^ mix(hash(value) + static_cast<std::uint64_t>(dimension))), counted};
  };
  return {row(RollupDimension::all, {}), row(RollupDimension::path, path),
          row(RollupDimension::country, country),
          row(RollupDimension::source, source, !source.empty()),
          row(RollupDimension::campaign, campaign, !campaign.empty())};
}

struct DeltaKey {
  RollupSpan span;
  std::int64_t start_ms;
  RollupDimension dimension;
  std::string_view host;
  std::string_view value;
  std::uint64_t row;
  bool operator==(const DeltaKey& other) const {
    return row == other.row && start_ms == other.start_ms && span == other.span &&
           dimension == other.dimension && host == other.host && value == other.value;
  }
};

struct DeltaKeyHash {
  std::size_t operator()(const DeltaKey& key) const {
    return mix(key.row ^ static_cast<std::uint64_t>(key.start_ms) ^
               (static_cast<std::uint64_t>(key.span) << 62));
  }
};

}  // namespace

void HistoryRollups::Counted::add(const CountedView& view) {
  for (const Row& row : rows_of(view.host, view.path, view.country, view.source, view.campaign)) {
    if (row.counted) keys_.insert(counted_key(row.hash, view.visitor));
  }
}

std::vector<RollupBucket> HistoryRollups::missing(std::span<const Hit> hits) const {
  std::vector<RollupBucket> buckets;
  // A batch's hits mostly share their hour: look up a bucket only when it
  // differs from the previous hit's.
  std::array<std::optional<std::int64_t>, std::size(rollup_spans)> previous;
  for (const Hit& hit : hits) {
    if (!is_person_view(hit)) continue;
    for (std::size_t i = 0; i < std::size(rollup_spans); ++i) {
      const RollupBucket bucket{rollup_spans[i], bucket_start(rollup_spans[i], hit.ts_ms)};
      if (previous[i] == bucket.start_ms) continue;
      previous[i] = bucket.start_ms;
      if (!seen_.contains(bucket) &&
          std::find(buckets.begin(), buckets.end(), bucket) == buckets.end()) {
        buckets.push_back(bucket);
      }
    }
  }
  return buckets;
}

void HistoryRollups::provide(RollupBucket bucket, Counted counted) {
  seen_.insert_or_assign(bucket, std::move(counted));
}

std::vector<RollupDelta> HistoryRollups::add(std::span<const Hit> hits) {
  std::vector<RollupDelta> deltas;
  absl::flat_hash_map<DeltaKey, std::size_t, DeltaKeyHash> index;
  // First every (bucket set, visitor key, delta) a view counts under, then
  // the set inserts, each set's slot prefetched a few inserts ahead: the sets
  // hold a day's visitors, far more than the caches.
  struct Count {
    Keys* counted;
    std::uint64_t visitor;
    std::size_t delta;
  };
  std::vector<Count> counts;
  for (const Hit& hit : hits) {
    if (!is_person_view(hit)) continue;
    const auto rows =
        rows_of(hit.host, hit.path, hit.country_code, hit.source_group, hit.campaign.name);
    for (const RollupSpan span : rollup_spans) {
      const auto start = bucket_start(span, hit.ts_ms);
      auto& newest = span == RollupSpan::hour ? newest_hour_ : newest_day_;
      newest = std::max(newest, start);
      const auto found = seen_.find({span, start});
      if (found == seen_.end()) throw std::logic_error("rollups: a bucket's set was not provided");
      Counted& counted = found->second;
      for (const Row& row : rows) {
        if (!row.counted) continue;
        const DeltaKey key{span, start, row.dimension, hit.host, row.value, row.hash};
        auto [at, created] = index.try_emplace(key, deltas.size());
        if (created) deltas.push_back({span, start, key.dimension, key.host, key.value, 0, 0});
        ++deltas[at->second].views;
        counts.push_back({&counted.keys_, counted_key(row.hash, hit.visitor), at->second});
      }
    }
  }
  constexpr std::size_t ahead = 16;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (i + ahead < counts.size()) counts[i + ahead].counted->prefetch(counts[i + ahead].visitor);
    const Count& count = counts[i];
    if (count.counted->insert(count.visitor).second) {
      ++deltas[count.delta].visitors;
      pending_.emplace_back(count.counted, count.visitor);
    }
  }
  return deltas;
}

void HistoryRollups::confirm() {
  pending_.clear();
  evict_old();
}

void HistoryRollups::undo() {
  for (auto& [counted, visitor] : pending_) counted->erase(visitor);
  pending_.clear();
}

void HistoryRollups::forget() {
  pending_.clear();
  seen_.clear();
  newest_hour_ = newest_day_ = 0;
}

void HistoryRollups::evict_old() {
  const std::int64_t oldest_day = newest_day_ - (kept_days - 1) * span_ms(RollupSpan::day);
  const std::int64_t oldest_hour = newest_hour_ - (kept_hours - 1) * span_ms(RollupSpan::hour);
  for (auto it = seen_.begin(); it != seen_.end();) {
    const auto [span, start] = it->first;
    const bool old = span == RollupSpan::hour ? start < oldest_hour : start < oldest_day;
    it = old ? seen_.erase(it) : std::next(it);
  }
}

}  // namespace onlooker
