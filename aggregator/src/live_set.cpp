#include "live_set.h"

#include <algorithm>
#include <map>

namespace onlooker {

void LiveSet::count(const LiveVisitor& visitor, int delta) {
  if (visitor.bot) return;
  people_ += delta;
  people_per_host_[visitor.host] += delta;
}

namespace {

// "example.com:8080/a" is the site "example.com" itself.
bool same_site(std::string_view referrer, std::string_view host) {
  const auto end = referrer.find_first_of(":/");
  return referrer.substr(0, end) == host;
}

}  // namespace

bool LiveSet::apply(const Hit& hit) {
  const VisitorKey key{hit.visitor, hit.host};
  if (hit.kind == HitKind::leave) {
    // A leave from a page the visitor has already moved on from (the
    // pagehide of page A racing the view of page B) is not a leave.
    const LiveVisitor* visitor = visitors_.find(key);
    if (visitor == nullptr || (!hit.path.empty() && visitor->path != hit.path)) return false;
    count(*visitor, -1);
    visitors_.erase(key);
    return true;
  }
  auto [visitor, inserted] = visitors_.touch(key);
  bool changed = inserted;
  if (inserted) {
    visitor.id = to_hex(hit.visitor);
    visitor.host = hit.host;
    visitor.first_seen_ms = hit.ts_ms;
    visitor.country_code = hit.country_code;
    visitor.country_name = hit.country_name;
    visitor.city = hit.city;
    visitor.device = hit.device;
    visitor.browser = hit.browser;
    visitor.os = hit.os;
    visitor.bot = hit.is_bot();
    count(visitor, +1);
  }
  if (visitor.path != hit.path) {
    visitor.path = hit.path;
    changed = true;
  }
  // Where the visit came from: its first referrer from another site.
  if (hit.kind == HitKind::view && visitor.referrer.empty() && !hit.referrer.empty() &&
      !same_site(hit.referrer, hit.host)) {
    visitor.referrer = hit.referrer;
    changed = true;
  }
  visitor.last_seen_ms = std::max(visitor.last_seen_ms, hit.ts_ms);
  return changed || hit.kind == HitKind::view;
}

std::size_t LiveSet::expire(std::int64_t now_ms) {
  return visitors_.expire(now_ms - window_ms_,
                          [this](const VisitorKey&, const LiveVisitor& gone) { count(gone, -1); });
}

std::int64_t LiveSet::people(std::string_view host) const {
  if (host.empty()) return people_;
  const auto it = people_per_host_.find(std::string(host));
  return it == people_per_host_.end() ? 0 : it->second;
}

std::vector<std::string> LiveSet::hosts() const {
  std::vector<std::string> hosts;
  for (const auto& [host, people] : people_per_host_) hosts.push_back(host);
  return hosts;
}

namespace {

// Tallies one dimension; empty keys (unknown) are left out of the list.
class Tally {
 public:
  void add(const std::string& key, const std::string& detail = {}) {
    if (key.empty()) return;
    auto& entry = counts_[{key, detail}];
    ++entry;
  }
  std::vector<Count> top(std::size_t n) const {
    std::vector<Count> out;
    out.reserve(counts_.size());
    for (const auto& [key, viewers] : counts_) out.push_back({key.first, key.second, viewers});
    std::stable_sort(out.begin(), out.end(),
                     [](const Count& a, const Count& b) { return a.viewers > b.viewers; });
    if (out.size() > n) out.resize(n);
    return out;
  }

 private:
  std::map<std::pair<std::string, std::string>, std::int64_t> counts_;
};

}  // namespace

LiveSnapshot LiveSet::snapshot(std::int64_t now_ms, std::string_view host, std::size_t top_n,
                               std::size_t max_visitors) const {
  LiveSnapshot snap;
  snap.ts_ms = now_ms;
  Tally pages, countries, cities, devices, browsers, os, referrers;
  visitors_.for_each_newest_first([&](const LiveVisitor& visitor) {
    if (!host.empty() && visitor.host != host) return;
    if (visitor.bot) {
      ++snap.bots;
      return;
    }
    ++snap.active;
    pages.add(visitor.path);
    countries.add(visitor.country_code, visitor.country_name);
    cities.add(visitor.city, visitor.country_code);
    devices.add(visitor.device);
    browsers.add(visitor.browser);
    os.add(visitor.os);
    referrers.add(visitor.referrer);
    if (snap.visitors.size() < max_visitors) snap.visitors.push_back(visitor);
  });
  snap.pages = pages.top(top_n);
  snap.countries = countries.top(top_n);
  snap.cities = cities.top(top_n);
  snap.devices = devices.top(top_n);
  snap.browsers = browsers.top(top_n);
  snap.os = os.top(top_n);
  snap.referrers = referrers.top(top_n);
  return snap;
}

}  // namespace onlooker
