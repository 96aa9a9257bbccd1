// The browser tabs of one visitor (beacon.js's per-tab ids), each with the
// page it is on and when it was last heard from. A person is present while
// any tab is; one visitor holds at most max_tabs (a forged flood of tab ids
// replaces the oldest instead of growing memory).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace onlooker {

class TabSet {
 public:
  static constexpr std::size_t max_tabs = 8;

  enum class Left : std::uint8_t {
    unknown,    // no such tab (a beacon without tab ids, or its first beat was lost)
    moved_on,   // the tab is on another page since (the leave of the page before)
    closed,     // the tab is gone
  };

  void seen(std::uint64_t id, std::int64_t ts_ms, std::string_view path) {
    auto tab = find(id);
    if (tab == tabs_.end()) {
      if (tabs_.size() == max_tabs) {
        tabs_.erase(std::min_element(tabs_.begin(), tabs_.end(), [](const Tab& a, const Tab& b) {
          return a.last_seen_ms < b.last_seen_ms;
        }));
      }
      tabs_.push_back({id, ts_ms, ts_ms, std::string(path)});
      return;
    }
    // Out of order: an older beat does not move the tab back a page.
    if (ts_ms < tab->last_seen_ms) return;
    tab->last_seen_ms = ts_ms;
    if (!path.empty() && path != tab->path) {
      tab->path = path;
      tab->on_page_since_ms = ts_ms;
    }
  }

  // When tab `id` was first heard from on `path` (empty: whatever page it is
  // on); -1 when it is unknown or on another page.
  std::int64_t on_page_since(std::uint64_t id, std::string_view path) const {
    const auto tab = std::find_if(tabs_.begin(), tabs_.end(),
                                  [id](const Tab& candidate) { return candidate.id == id; });
    if (tab == tabs_.end() || (!path.empty() && path != tab->path)) return -1;
    return tab->on_page_since_ms;
  }

  // A leave from `path` (empty: whatever page) of tab `id`.
  Left leave(std::uint64_t id, std::string_view path) {
    auto tab = find(id);
    if (tab == tabs_.end()) return Left::unknown;
    if (!path.empty() && path != tab->path) return Left::moved_on;
    tabs_.erase(tab);
    return Left::closed;
  }

  // Forgets tabs silent since `cutoff_ms` (closed without a leave, or asleep).
  void drop_silent(std::int64_t cutoff_ms) {
    std::erase_if(tabs_, [cutoff_ms](const Tab& tab) { return tab.last_seen_ms <= cutoff_ms; });
  }

  bool empty() const { return tabs_.empty(); }
  std::size_t size() const { return tabs_.size(); }
  // The page of the tab heard from last: where the person is now.
  std::string_view newest_path() const {
    const auto newest = std::max_element(
        tabs_.begin(), tabs_.end(),
        [](const Tab& a, const Tab& b) { return a.last_seen_ms < b.last_seen_ms; });
    return newest == tabs_.end() ? std::string_view{} : std::string_view(newest->path);
  }

 private:
  struct Tab {
    std::uint64_t id;
    std::int64_t last_seen_ms;
    std::int64_t on_page_since_ms;  // its first beat on this page
    std::string path;
  };
  std::vector<Tab>::iterator find(std::uint64_t id) {
    return std::find_if(tabs_.begin(), tabs_.end(), [id](const Tab& tab) { return tab.id == id; });
  }

  std::vector<Tab> tabs_;
};

}  // namespace onlooker
