// Which active window a host's visitors live by: --active-window, or the
// first --site-active-window rule whose pattern matches the host. Each
// distinct window is a tier (visitor_index.h): tier 0 is --active-window's,
// and a rule with that same window shares it, so that without rules (or
// with rules that change nothing) there is one tier, as before.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "site_scope.h"

namespace onlooker {

class ActiveWindows {
 public:
  explicit ActiveWindows(std::chrono::milliseconds default_window,
                         const std::vector<SiteWindow>& rules = {});

  // The tier of `host`'s visitors. Without rules, 0 without looking at it.
  std::size_t tier(std::string_view host) const {
    return rules_.empty() ? 0 : matching_tier(host);
  }
  std::int64_t window_ms(std::size_t tier) const { return windows_ms_[tier]; }
  std::int64_t window_ms_for(std::string_view host) const { return window_ms(tier(host)); }
  // Distinct windows; the cutoffs of expiry are now - window_ms(tier).
  std::size_t tiers() const { return windows_ms_.size(); }
  // What a restart reads back, and the cluster stream keeps.
  std::int64_t longest_ms() const;

 private:
  struct Rule {
    std::string pattern;
    std::size_t tier;
  };
  std::size_t matching_tier(std::string_view host) const;

  std::vector<std::int64_t> windows_ms_;  // by tier; [0] is the default
  std::vector<Rule> rules_;               // in the order given: the first match wins
};

}  // namespace onlooker
