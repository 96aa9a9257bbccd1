#include "journey_report.h"

#include <algorithm>
#include <map>

#include "calendar.h"
#include "journey_rollups.h"

namespace onlooker {

JourneyRange journey_range(const HistoryRequest& request) {
  JourneyRange range;
  range.from_day_ms = bucket_start(RollupSpan::day, request.from_ms);
  range.to_day_ms = bucket_ceil(RollupSpan::day, request.to_ms);
  const std::int64_t first_month = month_start(range.from_day_ms) == range.from_day_ms
                                       ? range.from_day_ms
                                       : next_month_start(range.from_day_ms);
  const std::int64_t end_month = month_start(range.to_day_ms);
  if (first_month < end_month) {
    range.months_from_ms = first_month;
    range.months_to_ms = end_month;
  } else {  // no whole month: days only
    range.months_from_ms = range.months_to_ms = range.to_day_ms;
  }
  return range;
}

namespace {

// Most first; ties by path, so that answers do not change between runs.
template <class Item, class Count>
void sort_top(std::vector<Item>& items, std::size_t keep, Count count) {
  std::sort(items.begin(), items.end(), [&](const Item& a, const Item& b) {
    return count(a) != count(b) ? count(a) > count(b) : a.path_key() < b.path_key();
  });
  if (items.size() > keep) items.resize(keep);
}

struct Ranked {
  std::string path;
  std::int64_t count = 0;
  const std::string& path_key() const { return path; }
};

std::vector<HistoryReport::PageVisits> top(std::map<std::string, std::int64_t> counts,
                                           std::size_t keep) {
  std::vector<Ranked> ranked;
  for (auto& [path, count] : counts) ranked.push_back({path, count});
  sort_top(ranked, keep, [](const Ranked& r) { return r.count; });
  std::vector<HistoryReport::PageVisits> out;
  for (auto& r : ranked) out.push_back({std::move(r.path), r.count});
  return out;
}

}  // namespace

void add_journeys(const HistoryRequest& request, const std::vector<JourneySum>& sums,
                  HistoryReport& report) {
  std::map<std::string, std::int64_t> entries;
  std::map<std::string, std::int64_t> exits;
  std::map<std::string, HistoryReport::PageTransitions> from_pages;
  for (const JourneySum& sum : sums) {
    if (sum.from_path.empty()) {
      entries[sum.to_path] += sum.views;
      continue;
    }
    if (sum.to_path.empty()) exits[sum.from_path] += sum.views;
    if (!request.page.empty() && sum.from_path != request.page) continue;
    auto& page = from_pages[sum.from_path];
    page.from = sum.from_path;
    page.views += sum.views;
    if (sum.to_path.empty()) {
      page.left += sum.views;
    } else {
      page.next.push_back({sum.to_path, sum.views});
    }
  }
  report.entry_pages = top(std::move(entries), request.top);
  report.exit_pages = top(std::move(exits), request.top);
  struct RankedPage {
    HistoryReport::PageTransitions page;
    const std::string& path_key() const { return page.from; }
  };
  std::vector<RankedPage> pages;
  for (auto& [path, page] : from_pages) pages.push_back({std::move(page)});
  sort_top(pages, request.top, [](const RankedPage& p) { return p.page.views; });
  for (auto& ranked : pages) {
    auto& next = ranked.page.next;
    std::sort(next.begin(), next.end(), [](const auto& a, const auto& b) {
      return a.views != b.views ? a.views > b.views : a.path < b.path;
    });
    if (next.size() > request.top_next) next.resize(request.top_next);
    report.transitions.push_back(std::move(ranked.page));
  }
}

}  // namespace onlooker
