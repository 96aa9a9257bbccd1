// Hourly and daily totals of people's page views (bots left out), per site,
// page and country, written in the same transaction as the hits they count,
// so that reports over millions of hits read thousands of rows instead.
//
// Views add up. Visitors are unique within a bucket (one UTC hour or day):
// to know whether a view's visitor is new to a bucket, the rollups keep the
// set of (dimension, host, value, visitor) already counted in each recent
// bucket. A bucket's set is loaded from the committed hits the first time a
// batch touches it, so it is the same after a restart, and undone when the
// batch's transaction fails.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <absl/container/flat_hash_set.h>

#include "hit.h"

namespace onlooker {

enum class RollupSpan : std::uint8_t { hour, day };
enum class RollupDimension : std::uint8_t { all, path, country };

std::string_view to_string(RollupSpan span);
std::string_view to_string(RollupDimension dimension);
std::int64_t span_ms(RollupSpan span);

// What one batch adds to one rollup row. Views point into the batch's hits.
struct RollupDelta {
  RollupSpan span = RollupSpan::day;
  std::int64_t start_ms = 0;
  RollupDimension dimension = RollupDimension::all;
  std::string_view host;
  std::string_view value;  // the path or country code; empty for `all`
  std::int64_t views = 0;
  std::int64_t visitors = 0;
};

// One people's page view as stored in `hits`, for loading a bucket's set.
struct CountedView {
  std::string_view host;
  std::string_view path;
  std::string_view country;
  VisitorId visitor{};
};

class HistoryRollups {
 public:
  // Calls back with every people's page view committed in [from_ms, to_ms).
  using ViewLoader = std::function<void(std::int64_t from_ms, std::int64_t to_ms,
                                        const std::function<void(const CountedView&)>& each)>;

  explicit HistoryRollups(ViewLoader load) : load_(std::move(load)) {}

  // What `hits` add to the rollups, marking their visitors as counted. Call
  // before the hits themselves are written (the loader must not see them),
  // then confirm() after the commit or undo() after a failure.
  std::vector<RollupDelta> add(std::span<const Hit> hits);
  void confirm();
  void undo();
  // The database was replaced: every set is loaded again when next needed.
  void forget();

  // Buckets whose sets stay in memory behind the newest one seen: late hits
  // older than that load their bucket again (slower, still exact).
  static constexpr int kept_hours = 3;
  static constexpr int kept_days = 2;

  std::size_t counted_entries() const;

 private:
  using Bucket = std::pair<RollupSpan, std::int64_t>;
  // (dimension, host, value, visitor) hashed to 64 bits: a collision (about
  // one in 10^7 at a million visitors a day) undercounts one visitor.
  using Counted = absl::flat_hash_set<std::uint64_t>;
  Counted& seen(RollupSpan span, std::int64_t start_ms);
  void evict_old();

  ViewLoader load_;
  std::map<Bucket, Counted> seen_;  // node-based: references stay valid
  std::vector<std::pair<Counted*, std::uint64_t>> pending_;
  std::int64_t newest_hour_ = 0;  // the newest buckets a hit fell in
  std::int64_t newest_day_ = 0;
};

}  // namespace onlooker
