// The database onlooker_history_bench and onlooker_filter_bench time: N hits
// from 2 million visitors over a span of days (a quarter of them heartbeats,
// a fifth of the views bots, 500 pages, 10 countries) and a visit per five
// hits, written through the same SqliteHistory onlookerd uses in batches of
// 100,000.
#pragma once

#include <cstdint>
#include <string>

namespace onlooker::bench {

inline constexpr std::int64_t history_data_end_ms = 1'795'000'000'000;

struct HistoryData {
  long hits = 10'000'000;
  int days = 60;
  // Also a city, browser, OS and referrer on every hit, and a source group
  // (and for some a utm_campaign) on a third of the views: every list a
  // filtered report counts has values.
  bool every_list = false;
};

// Prints how long it took.
void build_history_data(const std::string& path, const HistoryData& data);

}  // namespace onlooker::bench
