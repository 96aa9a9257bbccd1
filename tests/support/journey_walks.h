// Random visits walking a small site over 70 days (across three months),
// stored through the real visit tracker and a history sink in batches as
// the drain loop sends them: for the journey tests to check every number
// the backends give against the walks themselves.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "calendar.h"
#include "history_sink.h"
#include "visit_tracker.h"

namespace onlooker::test::journey_walks {

inline constexpr std::int64_t first_day = 1'792'454'400'000;  // 2026-10-20 00:00 UTC
inline constexpr std::int64_t window_ms = 60'000;
inline const char* const pages[] = {"/", "/pricing.html", "/signup.html", "/blog/a.html",
                                    "/about.html", "/docs/"};

// A generated visit: its page views in time order, as the person made them.
struct Walk {
  std::string host;
  bool bot = false;
  std::vector<JourneyView> views;
};

Hit make_hit(std::uint32_t who, const Walk& walk, std::int64_t ts, std::string path,
             HitKind kind);

// Feeds hits (in arrival order) through a VisitTracker of that active
// window into `sink` in
// batches of 250, as the drain loop does, then closes every visit.
void track_into(HistorySink& sink, std::vector<Hit> hits, std::int64_t window_ms);

// Stores the walks through a VisitTracker into `sink`; returns them.
std::vector<Walk> store_random_walks(HistorySink& sink);

}  // namespace onlooker::test::journey_walks
