// The last minute's tracked requests, for the alert measures that count
// rather than look at the live set: views_per_minute (people's page views)
// and status5xx_share (error records: tracked pages answered >= 500, which
// are counted here and nowhere else). The drain thread counts each record
// by its nginx timestamp; the I/O thread reads the totals once a second.
// Records older than the window when they arrive (a backlog read after a
// restart) are not counted: an alert is about now.
//
// With --cluster the other nodes' views and errors are counted here too, as
// the cluster link hears them (count_remote_*; their times already on this
// node's clock), so every node judges the whole site's traffic.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

namespace onlooker {

struct Hit;

struct MinuteTotals {
  std::int64_t views = 0;         // every tracked view, bots included
  std::int64_t person_views = 0;  // views of people (history's definition)
  std::int64_t errors = 0;        // tracked pages answered >= 500

  // errors / (views + errors) in percent; 0 when nothing was tracked.
  double error_percent() const {
    const std::int64_t tracked = views + errors;
    return tracked == 0 ? 0.0 : 100.0 * static_cast<double>(errors) / static_cast<double>(tracked);
  }
};

class RecentCounts {
 public:
  static constexpr std::int64_t window_s = 60;

  void count_view(std::int64_t ts_ms, bool person);
  void count_error(std::int64_t ts_ms);
  // Another node's hits (its views count; beats, leaves, hides do not) and
  // error records: `count` of them at ts_ms. Not in errors_total().
  void count_remote_hits(const std::vector<Hit>& hits);
  void count_remote_errors(std::int64_t ts_ms, std::uint64_t count);
  // The seconds (now_s - 60, now_s], now_s = now_ms / 1000.
  MinuteTotals last_minute(std::int64_t now_ms) const;
  // Every error record of this node's ring counted since start, for /metrics.
  std::uint64_t errors_total() const { return errors_total_.load(std::memory_order_relaxed); }

 private:
  struct Second {
    std::int64_t second = -1;  // which second this bucket holds now
    MinuteTotals totals;
  };
  // The bucket for ts_ms's second, emptied when it held an older second;
  // nullptr for a second outside the window. Under mutex_.
  Second* bucket(std::int64_t ts_ms);

  mutable std::mutex mutex_;
  std::array<Second, window_s> seconds_{};
  std::int64_t newest_s_ = 0;
  std::atomic<std::uint64_t> errors_total_{0};
};

}  // namespace onlooker
