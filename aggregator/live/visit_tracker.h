// Visits for history: one row per visit (visitor, host, start, end, pages,
// entry and exit page, country, device), closed when the visitor leaves or
// has been silent for the active window. Runs on the drain thread, so closed
// visits are committed in the same transaction as the hits that closed them.
// Visits still open when onlookerd stops are closed as they stand.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hit.h"
#include "visitor_index.h"

namespace onlooker {

struct Visit {
  std::string visitor;  // hex
  std::string host;
  std::int64_t start_ms = 0;
  std::int64_t last_seen_ms = 0;  // the visit's end
  std::int64_t pages = 0;         // page views in the visit
  std::string entry_page;
  std::string exit_page;
  std::string country;
  std::string device;
};

class VisitTracker {
 public:
  explicit VisitTracker(std::int64_t active_window_ms) : window_ms_(active_window_ms) {}

  void apply(const Hit& hit, std::vector<Visit>& closed);
  void expire(std::int64_t now_ms, std::vector<Visit>& closed);
  void close_all(std::vector<Visit>& closed);
  std::size_t open_visits() const { return open_.size(); }

 private:
  std::int64_t window_ms_;
  VisitorIndex<Visit> open_;
};

}  // namespace onlooker
