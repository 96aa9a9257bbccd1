#include "journey_plan.h"

#include <algorithm>


namespace onlooker {

namespace {

// Day rows [from, to) may hold: the days of it that lie within the stored ones.
std::int64_t days_with_rows(std::int64_t from_ms, std::int64_t to_ms, const JourneyDays& days) {
  const std::int64_t first = std::max(from_ms, days.first_day_ms);
  const std::int64_t end = std::min(to_ms, days.last_day_ms + day_ms);
  return end > first ? (end - first) / day_ms : 0;
}

void add(std::vector<JourneyPart>& parts, JourneyPart part) {
  if (part.from_ms >= part.to_ms) return;
  // Months (or days) next to each other: one read.
  if (!parts.empty() && parts.back().span == part.span && parts.back().sign == part.sign &&
      parts.back().to_ms == part.from_ms) {
    parts.back().to_ms = part.to_ms;
    return;
  }
  parts.push_back(part);
}

}  // namespace

std::vector<JourneyPart> plan_journey_parts(
    const JourneyRange& range, const JourneyDays& days,
    const std::function<bool(std::int64_t month_start_ms)>& month_is_whole) {
  std::vector<JourneyPart> months;
  std::vector<JourneyPart> day_parts;
  for (std::int64_t month = month_start(range.from_day_ms); month < range.to_day_ms;
       month = next_month_start(month)) {
    const std::int64_t next = next_month_start(month);
    const std::int64_t from = std::max(month, range.from_day_ms);
    const std::int64_t to = std::min(next, range.to_day_ms);
    if (from == month && to == next) {
      add(months, {JourneySpan::month, month, next, 1});
      continue;
    }
    const std::int64_t inside = days_with_rows(from, to, days);
    const std::int64_t outside =
        days_with_rows(month, from, days) + days_with_rows(to, next, days);
    if (outside < inside && month_is_whole(month)) {
      add(months, {JourneySpan::month, month, next, 1});
      if (days_with_rows(month, from, days) > 0) {
        add(day_parts, {JourneySpan::day, month, from, -1});
      }
      if (days_with_rows(to, next, days) > 0) {
        add(day_parts, {JourneySpan::day, to, next, -1});
      }
    } else if (inside > 0) {
      add(day_parts, {JourneySpan::day, from, to, 1});
    }
  }
  months.insert(months.end(), day_parts.begin(), day_parts.end());
  return months;
}

}  // namespace onlooker
