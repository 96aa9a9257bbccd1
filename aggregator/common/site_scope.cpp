#include "site_scope.h"

#include <algorithm>

namespace onlooker {

bool valid_host_pattern(std::string_view pattern) {
  if (pattern.starts_with("*.")) pattern.remove_prefix(2);
  if (pattern.empty() || pattern.size() > 253) return false;
  std::size_t label = 0;
  for (const char c : pattern) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    ++label;
  }
  return label > 0;
}

bool host_pattern_matches(std::string_view pattern, std::string_view host) {
  if (pattern.starts_with("*.")) {
    const std::string_view suffix = pattern.substr(1);  // ".example.org"
    return host.size() > suffix.size() && host.ends_with(suffix);
  }
  return host == pattern;
}

bool any_pattern_matches(const std::vector<std::string>& patterns, std::string_view host) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [host](const std::string& pattern) { return host_pattern_matches(pattern, host); });
}

SiteScope::SiteScope(std::vector<std::string> patterns)
    : all_(false), patterns_(std::move(patterns)) {
  std::sort(patterns_.begin(), patterns_.end());
  patterns_.erase(std::unique(patterns_.begin(), patterns_.end()), patterns_.end());
}

std::string SiteScope::single_host() const {
  if (all_ || patterns_.size() != 1 || patterns_.front().starts_with("*.")) return {};
  return patterns_.front();
}

std::string SiteScope::key() const {
  if (all_) return {};
  std::string out;
  for (const auto& pattern : patterns_) out += pattern + ' ';
  return out;
}

}  // namespace onlooker
