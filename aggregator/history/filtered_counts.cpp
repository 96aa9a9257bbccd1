#include "filtered_counts.h"

#include <algorithm>
#include <stdexcept>

namespace onlooker {

std::uint32_t FilteredCounts::id_of(Ids& ids, std::string_view text) {
  if (const auto found = ids.find(text); found != ids.end()) return found->second;
  const auto id = static_cast<std::uint32_t>(ids.size());
  ids.emplace(std::string(text), id);
  return id;
}

void FilteredCounts::add(std::int64_t ts_ms, std::string_view visitor, const Values& values) {
  const std::int64_t start = bucket_start(bucket_, ts_ms);
  if (!open_ || start != series_.back().start_ms) {
    if (open_ && start < series_.back().start_ms) {
      throw std::logic_error("filtered views out of time order");
    }
    close_bucket();
    series_.push_back({start, 0, 0});
    open_ = true;
  }
  ++series_.back().views;
  const std::uint64_t who = id_of(visitors_, visitor);
  for (std::size_t list = 0; top_ > 0 && list < lists; ++list) {
    if (values[list].empty()) continue;
    List& counts = lists_[list];
    const std::uint32_t value = id_of(counts.ids, values[list]);
    // The key has 4 bits of list, 28 of value, 32 of visitor.
    if (value >= (1u << 28)) throw std::length_error("too many values in one filtered list");
    if (value >= counts.counts.size()) counts.counts.emplace_back();
    ++counts.counts[value].views;
    const std::uint64_t key = (std::uint64_t{list} << 60) | (std::uint64_t{value} << 32) | who;
    if (seen_.insert(key).second) ++counts.counts[value].visitors;
  }
}

void FilteredCounts::close_bucket() {
  if (!open_) return;
  series_.back().visitors = static_cast<std::int64_t>(visitors_.size());
  visitors_.clear();
  seen_.clear();
  open_ = false;
}

void FilteredCounts::fill(HistoryReport& report) {
  close_bucket();
  report.series = series_;
  for (std::size_t list = 0; list < lists; ++list) {
    std::vector<HistoryReport::Entry> entries;
    entries.reserve(lists_[list].ids.size());
    for (const auto& [value, id] : lists_[list].ids) {
      const Count& count = lists_[list].counts[id];
      entries.push_back({value, count.views, count.visitors});
    }
    const auto first = [](const HistoryReport::Entry& a, const HistoryReport::Entry& b) {
      return a.views != b.views ? a.views > b.views : a.value < b.value;
    };
    const std::size_t kept = std::min(top_, entries.size());
    std::partial_sort(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(kept),
                      entries.end(), first);
    entries.resize(kept);
    list_of(report, filter_columns[list]) = std::move(entries);
  }
}

}  // namespace onlooker
