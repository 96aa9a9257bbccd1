// The baseline of `views_per_minute > 3x baseline`: people's page views in
// the same minute of the week, the median over the last 4 weeks, read from
// history. With less history (its oldest hit younger than 4 weeks), the
// average per minute of the last hour instead, over the part of that hour
// history covers; none when history covers less than 10 minutes (a new
// install has no idea what is normal: the rule does not fire yet).
//
// ViewBaselineFeed refreshes it on a thread of its own once a minute (the
// reads block; the I/O thread only loads an atomic).
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <stop_token>
#include <thread>

#include "history_reader.h"

namespace onlooker {

inline constexpr std::int64_t week_ms = 7 * day_ms;

// The baseline for the minute holding now_ms. Throws when history fails.
std::optional<double> view_baseline(HistoryReader& history, std::int64_t now_ms);

class ViewBaselineFeed {
 public:
  // Reads `history` (its own reader: the thread is its only user).
  explicit ViewBaselineFeed(std::unique_ptr<HistoryReader> history);
  ~ViewBaselineFeed();  // stops and joins the thread

  // The last baseline read; none before the first read or without one.
  std::optional<double> current() const {
    const double value = current_.load(std::memory_order_relaxed);
    if (value != value) return std::nullopt;  // NaN: none
    return value;
  }

 private:
  void run(std::stop_token stop);

  std::unique_ptr<HistoryReader> history_;
  std::atomic<double> current_{std::numeric_limits<double>::quiet_NaN()};
  std::jthread thread_;
};

}  // namespace onlooker
