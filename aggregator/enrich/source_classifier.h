// Where a page view came from: its referrer's host grouped into a source
// (search, social, email, paid, other site) by referer-parser's list of
// referrer hosts (builtin_referrers.h), or direct / campaign when there is
// no referrer from another site.
//
// The referrer is the module's: "host[:port]/path" without scheme, userinfo,
// query or fragment. A referrer on the page's own host (also with or without
// "www.") is internal navigation, not a source.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hit.h"
#include "source_groups.h"

namespace onlooker {


struct TrafficSource {
  std::string_view group;     // one of source_group
  std::string name;           // "Google"; the host for another site; utm_source or ref
                              // for a campaign; empty when direct
  std::string referrer_host;  // lowercase, no port; empty when none
  bool operator==(const TrafficSource&) const = default;
};

class SourceClassifier {
 public:
  // The list as JSON, {"host[/path]": {"source": ..., "medium": ...}}.
  // Throws std::runtime_error when it is not. Mediums other than search,
  // social, email and paid ("unknown", "referral") group as another site,
  // named as the list names it.
  explicit SourceClassifier(std::string_view referrers_json);
  // The list compiled in (builtin_referrers.h), parsed once.
  static const SourceClassifier& builtin();

  std::size_t size() const { return entries_; }

  // nullopt: the referrer is on `page_host` (internal navigation).
  std::optional<TrafficSource> classify(std::string_view referrer, std::string_view page_host,
                                        const Campaign& campaign) const;

 private:
  struct Known {
    std::string path_prefix;  // "" or "/imgres": matched at a '/' boundary
    std::string_view group;
    std::string name;
  };
  // The longest path prefix of `host` that `path` starts with, or nullptr.
  const Known* find(std::string_view host, std::string_view path) const;

  // Hashes std::string and std::string_view alike: lookups by view, no copy.
  struct HostHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view host) const { return std::hash<std::string_view>{}(host); }
  };
  // By host; each host's entries longest prefix first.
  std::unordered_map<std::string, std::vector<Known>, HostHash, std::equal_to<>> by_host_;
  std::size_t entries_ = 0;
};

}  // namespace onlooker
