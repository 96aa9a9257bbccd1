// Sites as the access and retention rules name them: a host pattern is a
// lower-case host name ("shop.example.org") or "*." and a suffix
// ("*.example.org": every name under example.org, as nginx's server_name
// reads it, not example.org itself). A SiteScope is what one key opens.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace onlooker {

// Letters, digits, '-' and '.', lower case, no empty label, optionally
// behind a leading "*.".
bool valid_host_pattern(std::string_view pattern);
bool host_pattern_matches(std::string_view pattern, std::string_view host);
bool any_pattern_matches(const std::vector<std::string>& patterns, std::string_view host);

class SiteScope {
 public:
  // Every site: the admin key, or no key needed.
  SiteScope() = default;
  // Only hosts matching one of `patterns` (never empty).
  explicit SiteScope(std::vector<std::string> patterns);

  bool all() const { return all_; }
  bool allows(std::string_view host) const { return all_ || any_pattern_matches(patterns_, host); }
  const std::vector<std::string>& patterns() const { return patterns_; }
  // The one host this scope opens when it is a single exact name, else "".
  std::string single_host() const;
  // Equal for equal scopes: what the hub shares serialised messages by.
  std::string key() const;

 private:
  bool all_ = true;
  std::vector<std::string> patterns_;
};

// One site's own active window (--site-active-window HOST=SECONDS).
struct SiteWindow {
  std::string pattern;
  std::chrono::seconds window{0};
  bool operator==(const SiteWindow&) const = default;
};

// One site's own retention (--site-retention-days HOST=N; 0 keeps its history).
struct SiteRetention {
  std::string pattern;
  int days = 0;
};

}  // namespace onlooker
