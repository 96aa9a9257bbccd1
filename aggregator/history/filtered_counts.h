// A filtered report (filtered_report.h) counted in one pass over the
// matching views: the series and every list from each view read once,
// instead of one SQL GROUP BY over the range's hits per list. The meaning
// is the SQL's: views, and visitors unique per bucket summed over the
// range; views without a value (no city) left out of that list.
#pragma once

#include <array>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "calendar.h"
#include "filtered_report.h"
#include "history_reader.h"

namespace onlooker {

class FilteredCounts {
 public:
  static constexpr std::size_t lists = std::size(filter_columns);
  // One view's value of each filter column, in filter_columns' order.
  using Values = std::array<std::string_view, lists>;

  // Each list's `top` most viewed are kept (ties by value, bytewise); none
  // counted when 0 (a previous period's series alone).
  FilteredCounts(RollupSpan bucket, std::size_t top) : bucket_(bucket), top_(top) {}

  // Views come in time order (ORDER BY ts): a bucket's visitors are counted
  // while it is the current one. Throws std::logic_error on an earlier ts.
  void add(std::int64_t ts_ms, std::string_view visitor, const Values& values);
  // The series and the lists.
  void fill(HistoryReport& report);

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  using Ids = std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>>;
  struct Count {
    std::int64_t views = 0;
    std::int64_t visitors = 0;
  };
  struct List {
    Ids ids;                    // value -> index in counts
    std::vector<Count> counts;
  };

  static std::uint32_t id_of(Ids& ids, std::string_view text);
  void close_bucket();

  RollupSpan bucket_;
  std::size_t top_;
  std::vector<HistoryReport::Point> series_;
  bool open_ = false;
  Ids visitors_;                          // the current bucket's, numbered
  std::unordered_set<std::uint64_t> seen_;  // (list, value, visitor) in the current bucket
  std::array<List, lists> lists_;
};

}  // namespace onlooker
