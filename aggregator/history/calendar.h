// The history's calendar: the spans reports and rollups are bucketed by
// (UTC hours and days) and the dimensions a rollup row counts under, with
// the names they carry in SQL and JSON. One place for the bucket arithmetic.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace onlooker {

inline constexpr std::int64_t hour_ms = 3'600'000;
inline constexpr std::int64_t day_ms = 86'400'000;

enum class RollupSpan : std::uint8_t { hour, day };
// source: a view's source group (hits.source); campaign: its utm_campaign.
// Those two count only the views that have one (the landings, mostly).
enum class RollupDimension : std::uint8_t { all, path, country, source, campaign };

inline constexpr RollupSpan rollup_spans[] = {RollupSpan::hour, RollupSpan::day};
inline constexpr RollupDimension rollup_dimensions[] = {
    RollupDimension::all, RollupDimension::path, RollupDimension::country,
    RollupDimension::source, RollupDimension::campaign};

constexpr std::string_view to_string(RollupSpan span) {
  return span == RollupSpan::hour ? "hour" : "day";
}

constexpr std::string_view to_string(RollupDimension dimension) {
  switch (dimension) {
    case RollupDimension::all: return "all";
    case RollupDimension::path: return "path";
    case RollupDimension::country: return "country";
    case RollupDimension::source: return "source";
    case RollupDimension::campaign: return "campaign";
  }
  return "all";
}

constexpr std::optional<RollupSpan> span_from_string(std::string_view text) {
  for (const RollupSpan span : rollup_spans) {
    if (to_string(span) == text) return span;
  }
  return std::nullopt;
}

constexpr std::int64_t span_ms(RollupSpan span) {
  return span == RollupSpan::hour ? hour_ms : day_ms;
}

// The start of the bucket holding ts_ms: the floor, for times before 1970 too.
constexpr std::int64_t bucket_start(RollupSpan span, std::int64_t ts_ms) {
  const auto width = span_ms(span);
  const auto start = ts_ms / width * width;
  return start > ts_ms ? start - width : start;
}

// The first bucket boundary at or after ts_ms. The caller keeps ts_ms at
// least a bucket below INT64_MAX (history_api refuses times past 9999).
constexpr std::int64_t bucket_ceil(RollupSpan span, std::int64_t ts_ms) {
  const auto start = bucket_start(span, ts_ms);
  return start == ts_ms ? start : start + span_ms(span);
}

}  // namespace onlooker
