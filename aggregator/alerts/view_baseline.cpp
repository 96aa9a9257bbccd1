#include "view_baseline.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "clock.h"
#include "log.h"

namespace onlooker {

namespace {

constexpr std::int64_t minute_ms = 60'000;
constexpr int weeks = 4;
constexpr std::int64_t least_history_ms = 10 * minute_ms;

}  // namespace

std::optional<double> view_baseline(HistoryReader& history, std::int64_t now_ms) {
  const std::int64_t minute = now_ms - now_ms % minute_ms;
  const std::optional<std::int64_t> first = history.first_hit_ms();
  if (!first) return std::nullopt;
  if (*first <= minute - weeks * week_ms) {
    std::array<std::int64_t, weeks> views{};
    for (int week = 1; week <= weeks; ++week) {
      const std::int64_t start = minute - week * week_ms;
      views[week - 1] = history.person_views(start, start + minute_ms);
    }
    std::sort(views.begin(), views.end());
    return static_cast<double>(views[weeks / 2 - 1] + views[weeks / 2]) / 2;  // even count
  }
  // The last hour, before this minute, as far as history reaches back.
  const std::int64_t from = std::max(minute - hour_ms, *first - *first % minute_ms);
  if (minute - from < least_history_ms) return std::nullopt;
  return static_cast<double>(history.person_views(from, minute)) /
         static_cast<double>((minute - from) / minute_ms);
}

ViewBaselineFeed::ViewBaselineFeed(std::unique_ptr<HistoryReader> history)
    : history_(std::move(history)),
      thread_([this](std::stop_token stop) { run(stop); }) {}

ViewBaselineFeed::~ViewBaselineFeed() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
}

void ViewBaselineFeed::run(std::stop_token stop) {
  std::mutex unused;
  std::condition_variable_any wake;
  while (!stop.stop_requested()) {
    const std::int64_t now_ms = unix_now_ms();
    std::int64_t wait_ms = minute_ms - now_ms % minute_ms + 100;  // just into the next minute
    try {
      const auto baseline = view_baseline(*history_, now_ms);
      current_.store(baseline.value_or(std::numeric_limits<double>::quiet_NaN()),
                     std::memory_order_relaxed);
    } catch (const std::exception& error) {
      // The last baseline stays (a neighbouring minute's): better than none.
      log::warn(std::string("msg=\"views_per_minute baseline not read; retrying\" error=\"") +
                error.what() + "\"");
      wait_ms = std::min<std::int64_t>(wait_ms, 5000);
    }
    std::unique_lock lock(unused);
    wake.wait_for(lock, stop, std::chrono::milliseconds(wait_ms), [] { return false; });
  }
}

}  // namespace onlooker
