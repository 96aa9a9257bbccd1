#include "source_classifier.h"

#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "builtin_referrers.h"

namespace onlooker {

namespace {

std::string_view group_of_medium(std::string_view medium) {
  if (medium == "search") return source_group::search;
  if (medium == "social") return source_group::social;
  if (medium == "email") return source_group::email;
  if (medium == "paid") return source_group::paid;
  return source_group::other_site;  // "unknown", "referral": a known name, no group
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
  });
  return out;
}

std::string_view without_www(std::string_view host) {
  return host.substr(0, 4) == "www." ? host.substr(4) : host;
}

// Whether `path` starts with `prefix` where a path segment ends (or the
// prefix ends with '/' itself): "/imgres" matches "/imgres" and
// "/imgres/x", not "/imgresults".
bool starts_at_boundary(std::string_view path, std::string_view prefix) {
  if (path.substr(0, prefix.size()) != prefix) return false;
  return prefix.empty() || prefix.back() == '/' || path.size() == prefix.size() ||
         path[prefix.size()] == '/';
}

}  // namespace

SourceClassifier::SourceClassifier(std::string_view referrers_json) {
  const auto list = nlohmann::json::parse(referrers_json, nullptr, false);
  if (!list.is_object()) throw std::runtime_error("referrer list: not a JSON object");
  for (const auto& [key, entry] : list.items()) {
    if (!entry.is_object() || !entry.contains("source") || !entry["source"].is_string() ||
        !entry.contains("medium") || !entry["medium"].is_string()) {
      throw std::runtime_error("referrer list: entry \"" + key + "\" has no source and medium");
    }
    const std::size_t slash = key.find('/');
    std::string host = lowercase(std::string_view(key).substr(0, slash));
    std::string prefix = slash == std::string::npos ? "" : key.substr(slash);
    by_host_[std::move(host)].push_back(
        {std::move(prefix), group_of_medium(entry["medium"].get<std::string>()),
         entry["source"].get<std::string>()});
    ++entries_;
  }
  for (auto& [host, known] : by_host_) {
    std::stable_sort(known.begin(), known.end(), [](const Known& a, const Known& b) {
      return a.path_prefix.size() > b.path_prefix.size();
    });
  }
}

const SourceClassifier& SourceClassifier::builtin() {
  static const SourceClassifier list(builtin_referrers::referrers_json());
  return list;
}

const SourceClassifier::Known* SourceClassifier::find(std::string_view host,
                                                      std::string_view path) const {
  // The host, then its parent domains down to two labels: "de.search.yahoo.com"
  // finds "search.yahoo.com" when only that is listed.
  for (std::string_view candidate = host;;) {
    if (const auto it = by_host_.find(candidate); it != by_host_.end()) {
      for (const Known& known : it->second) {
        if (starts_at_boundary(path, known.path_prefix)) return &known;
      }
    }
    const std::size_t dot = candidate.find('.');
    if (dot == std::string_view::npos || candidate.find('.', dot + 1) == std::string_view::npos) {
      return nullptr;
    }
    candidate.remove_prefix(dot + 1);
  }
}

std::optional<TrafficSource> SourceClassifier::classify(std::string_view referrer,
                                                        std::string_view page_host,
                                                        const Campaign& campaign) const {
  const std::size_t slash = referrer.find('/');
  std::string_view authority = referrer.substr(0, slash);
  const std::string_view path = slash == std::string_view::npos ? "" : referrer.substr(slash);
  if (const std::size_t colon = authority.rfind(':');
      colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
    authority = authority.substr(0, colon);  // a port (not inside an IPv6 literal)
  }
  const std::string host = lowercase(authority);

  if (host.empty()) {
    if (!campaign.source.empty()) return TrafficSource{source_group::campaign, campaign.source, ""};
    if (!campaign.ref.empty()) return TrafficSource{source_group::campaign, campaign.ref, ""};
    return TrafficSource{source_group::direct, "", ""};
  }
  if (without_www(host) == without_www(lowercase(page_host))) return std::nullopt;
  if (const Known* known = find(host, path)) return TrafficSource{known->group, known->name, host};
  return TrafficSource{source_group::other_site, std::string(without_www(host)), host};
}

}  // namespace onlooker
