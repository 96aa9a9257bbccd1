// Hits as the history backend tests store them, and the wait for a
// backend to count what it put off (as the idle drain loop lets it).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <utility>

#include "hit.h"
#include "calendar.h"
#include "history_reader.h"
#include "history_sink.h"

namespace onlooker::test {

inline constexpr std::int64_t midnight = 1'794'960'000'000;  // a UTC midnight

inline Hit view(std::int64_t ts, std::uint8_t who, const char* path, const char* country = "GB",
                const char* device = "desktop", const char* host = "a.example") {
  Hit hit;
  hit.ts_ms = ts;
  hit.visitor.fill(who);
  hit.kind = HitKind::view;
  hit.path = path;
  hit.country_code = country;
  hit.device = device;
  hit.host = host;
  hit.status = 200;
  return hit;
}

// Lets the backend count what it put off, as the idle drain loop does.
inline void catch_up(HistorySink& sink) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (sink.catch_up_backlog() > 0 && std::chrono::steady_clock::now() < give_up) {
    sink.catch_up();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(sink.catch_up_backlog(), 0u);
}

// The UTC day from `midnight`, by days, for `host` ("" for every site).
inline HistoryRequest whole_day(std::string host = "") {
  return {midnight, midnight + day_ms, std::move(host), RollupSpan::day};
}

}  // namespace onlooker::test
