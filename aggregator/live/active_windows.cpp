#include "active_windows.h"

#include <algorithm>
#include <stdexcept>

namespace onlooker {

ActiveWindows::ActiveWindows(std::chrono::milliseconds default_window,
                             const std::vector<SiteWindow>& rules)
    : windows_ms_{default_window.count()} {
  for (const SiteWindow& rule : rules) {
    const std::int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(rule.window).count();
    auto known = std::find(windows_ms_.begin(), windows_ms_.end(), ms);
    if (known == windows_ms_.end()) known = windows_ms_.insert(windows_ms_.end(), ms);
    rules_.push_back({rule.pattern, static_cast<std::size_t>(known - windows_ms_.begin())});
  }
  // An entry keeps its tier in 16 bits (visitor_index.h).
  if (windows_ms_.size() > 65536) throw std::invalid_argument("more than 65536 distinct active windows");
  // Rules that all keep the default window change nothing: skip matching.
  if (windows_ms_.size() == 1) rules_.clear();
}

std::size_t ActiveWindows::matching_tier(std::string_view host) const {
  for (const Rule& rule : rules_) {
    if (host_pattern_matches(rule.pattern, host)) return rule.tier;
  }
  return 0;
}

std::int64_t ActiveWindows::longest_ms() const {
  return *std::max_element(windows_ms_.begin(), windows_ms_.end());
}

}  // namespace onlooker
