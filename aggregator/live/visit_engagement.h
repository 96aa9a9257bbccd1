// How long a visit's pages were read (issue 18): the engaged time a visit
// row carries. beacon.js measures it per page view: a leave tells the page's
// visible time (v=, capped by the visit tracker), a hide what it was so far.
// A visit from pages without beacon.js has no such numbers: its engaged time
// is estimated as the time from each page view to the next, each capped.
// Rule of a bounce (README, docs/SQL.md): one page view and under 10 s engaged.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace onlooker {

inline constexpr std::int64_t bounce_engaged_below_ms = 10'000;

class VisitEngagement {
 public:
  // A leave's capped visible time: that page view's whole engaged time
  // (a hide before it reported part of the same, so it is dropped).
  void left(std::int64_t visible_ms) {
    measured_ = true;
    engaged_ms_ += visible_ms;
    unended_ms_ = 0;
  }
  // A hide's: kept until a leave tells the whole (a tab killed without
  // pagehide sends none). One per visit: with several tabs hidden at once
  // only the newest hide's counts until its leave.
  void hidden(std::int64_t visible_ms) {
    measured_ = true;
    unended_ms_ = visible_ms;
  }
  // Any other beacon.js hit: the visit's pages are measured, not estimated.
  void heard() { measured_ = true; }
  // A page view `gap_ms` after the one before (for the estimate).
  void viewed_after(std::int64_t gap_ms, std::int64_t cap_ms) {
    estimated_ms_ += std::clamp<std::int64_t>(gap_ms, 0, cap_ms);
  }

  bool estimated() const { return !measured_; }
  std::int64_t engaged_ms() const { return measured_ ? engaged_ms_ + unended_ms_ : estimated_ms_; }

 private:
  std::int64_t engaged_ms_ = 0;
  std::int64_t unended_ms_ = 0;
  std::int64_t estimated_ms_ = 0;
  bool measured_ = false;
};

// One page's engaged time within a visit, for history's per-page figures
// (history/page_engagement_rollups.h): `views` page views of `path` with an
// engaged time, `engaged_ms` summed over them. A visit with beacon.js has
// one per leave (the visible time the leave reports, to the leave's page;
// a hide with no leave after it counts in the visit's total only). A visit
// without is estimated from its journey: each view's time to the next view
// in time order, capped (the last view has none).
struct PageEngaged {
  std::string path;
  std::int64_t engaged_ms = 0;
  std::int64_t views = 0;
  friend bool operator==(const PageEngaged&, const PageEngaged&) = default;
};

// Distinct pages a visit keeps engaged times for: bounds its memory
// whatever a client sends (later pages are not counted per page).
inline constexpr std::size_t engaged_pages_kept = 100;

// Adds one view of `path` engaged `ms` to `pages`.
inline void add_page_engaged(std::vector<PageEngaged>& pages, std::string_view path,
                             std::int64_t ms) {
  const auto it = std::find_if(pages.begin(), pages.end(),
                               [&](const PageEngaged& page) { return page.path == path; });
  if (it != pages.end()) {
    it->engaged_ms += ms;
    ++it->views;
  } else if (pages.size() < engaged_pages_kept) {
    pages.push_back({std::string(path), ms, 1});
  }
}

// The bounce rule, in one place.
inline bool is_bounce(std::int64_t pages, std::int64_t engaged_ms) {
  return pages == 1 && engaged_ms < bounce_engaged_below_ms;
}

}  // namespace onlooker
