// Hourly and daily totals of people's page views (bots left out), per site,
// page, country, source and campaign (these two only of views that have one), written in the same transaction as the hits they count,
// so that reports over millions of hits read thousands of rows instead.
//
// Views add up. Visitors are unique within a bucket (one UTC hour or day):
// to know whether a view's visitor is new to a bucket, the rollups keep the
// set of (dimension, host, value, visitor) already counted in each recent
// bucket. A bucket's set is built from the hits already counted before a
// batch may touch it (missing() says which; provide() hands them in), so it
// is the same after a restart, and its additions are undone when the
// batch's transaction fails.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <absl/container/flat_hash_set.h>

#include "calendar.h"
#include "hit.h"

namespace onlooker {

// What one batch adds to one rollup row. Views point into the batch's hits.
struct RollupDelta {
  RollupSpan span = RollupSpan::day;
  std::int64_t start_ms = 0;
  RollupDimension dimension = RollupDimension::all;
  std::string_view host;
  std::string_view value;  // the path, country code, source or campaign; empty for `all`
  std::int64_t views = 0;
  std::int64_t visitors = 0;
};

// One people's page view as stored in `hits`, for building a bucket's set.
struct CountedView {
  std::string_view host;
  std::string_view path;
  std::string_view country;
  std::string_view source;    // hits.source, '' when none
  std::string_view campaign;  // hits.utm_campaign, '' when none
  VisitorId visitor{};
};

// One UTC hour or day.
struct RollupBucket {
  RollupSpan span = RollupSpan::day;
  std::int64_t start_ms = 0;
  std::int64_t end_ms() const { return start_ms + span_ms(span); }
  friend auto operator<=>(const RollupBucket&, const RollupBucket&) = default;
};

class HistoryRollups {
  using Keys = absl::flat_hash_set<std::uint64_t>;

 public:
  // The visitors already counted in one bucket, each under every row it
  // counts in. (dimension, host, value, visitor) is hashed to 64 bits: a
  // collision (about one in 10^7 at a million visitors a day) undercounts
  // one visitor.
  class Counted {
   public:
    void add(const CountedView& view);

   private:
    friend class HistoryRollups;
    Keys keys_;
  };

  // The buckets `hits` would count in whose sets are not in memory.
  std::vector<RollupBucket> missing(std::span<const Hit> hits) const;
  // The set of a bucket as of the hits counted so far.
  void provide(RollupBucket bucket, Counted counted);

  // What `hits` add to the rollups, marking their visitors as counted. Every
  // bucket they count in must have been provided. Then confirm() after the
  // commit or undo() after a failure.
  std::vector<RollupDelta> add(std::span<const Hit> hits);
  void confirm();
  void undo();
  // The database was replaced: every set is built again when next needed.
  void forget();

  // Buckets whose sets stay in memory behind the newest one seen: late hits
  // older than that need their bucket's set again (slower, still exact).
  static constexpr int kept_hours = 3;
  static constexpr int kept_days = 2;

 private:
  void evict_old();

  std::map<RollupBucket, Counted> seen_;  // node-based: references stay valid
  std::vector<std::pair<Keys*, std::uint64_t>> pending_;
  std::int64_t newest_hour_ = 0;  // the newest buckets a hit fell in
  std::int64_t newest_day_ = 0;
};

}  // namespace onlooker
