#include "live_set.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <tuple>
#include <unordered_map>

namespace onlooker {

std::size_t LiveSet::KeyHash::operator()(const Key& key) const noexcept {
  return visitor_id_hash(key.visitor) ^ (key.host * 0x9e3779b97f4a7c15ULL);
}

void LiveSet::count(Text host, const Visitor& visitor, int delta) {
  if (visitor.bot) return;
  people_ += delta;
  const std::string_view name = texts_.text(host);
  auto it = people_per_host_.find(name);
  if (it == people_per_host_.end()) it = people_per_host_.emplace(name, 0).first;
  it->second += delta;
  // A host nobody is on is forgotten: hosts are bounded by the live visitors.
  if (it->second == 0) people_per_host_.erase(it);
}

void LiveSet::forget(const Key& key, const Visitor& visitor) {
  count(key.host, visitor, -1);
  for (Text text : {key.host, visitor.path, visitor.referrer, visitor.country_code,
                    visitor.country_name, visitor.city, visitor.device, visitor.browser,
                    visitor.os, visitor.source, visitor.campaign}) {
    texts_.release(text);
  }
  for (const JourneyStep& step : visitor.journey) texts_.release(step.path);
}

// In time order (a view logged late goes where it belongs); past the cap
// the oldest goes, and a late view older than every one kept is not kept.
void LiveSet::add_to_journey(Visitor& visitor, const Hit& hit) {
  ++visitor.views;
  auto& journey = visitor.journey;
  const auto place = std::upper_bound(
      journey.begin(), journey.end(), hit.ts_ms,
      [](std::int64_t ts_ms, const JourneyStep& step) { return ts_ms < step.ts_ms; });
  if (journey.size() == live_journey_views_kept) {
    if (place == journey.begin()) return;
    texts_.release(journey.front().path);
    const auto at = place - journey.begin() - 1;
    journey.erase(journey.begin());
    journey.insert(journey.begin() + at, {hit.ts_ms, texts_.intern(hit.path)});
    return;
  }
  journey.insert(place, {hit.ts_ms, texts_.intern(hit.path)});
}

std::optional<LiveJourney> LiveSet::journey(std::string_view host, const VisitorId& id) const {
  const std::optional<Text> known_host = texts_.find(host);
  if (!known_host) return std::nullopt;
  const Visitor* visitor = visitors_.find(Key{id, *known_host});
  if (visitor == nullptr || visitor->bot) return std::nullopt;
  LiveJourney out{to_hex(id), std::string(host), visitor->first_seen_ms, visitor->last_seen_ms,
                  visitor->views, {}};
  for (const JourneyStep& step : visitor->journey) {
    out.steps.push_back({step.ts_ms, std::string(texts_.text(step.path)),
                         step.engaged ? std::optional(step.visible_ms) : std::nullopt});
  }
  return out;
}

// A leave or hide reports the time its page view was visible so far: the
// newest view of that path at or before it takes the most reported.
void LiveSet::engage_journey(Visitor& visitor, const Hit& hit, Text path) {
  for (auto step = visitor.journey.rbegin(); step != visitor.journey.rend(); ++step) {
    if (step->ts_ms > hit.ts_ms || step->path != path) continue;
    step->visible_ms = std::max(step->visible_ms, hit.visible_ms);
    step->engaged = true;
    return;
  }
}

namespace {

// "example.com:8080/a" is the site "example.com" itself.
bool same_site(std::string_view referrer, std::string_view host) {
  const auto end = referrer.find_first_of(":/");
  return referrer.substr(0, end) == host;
}

}  // namespace

bool LiveSet::apply(const Hit& hit) {
  // A host not in the pool has no visitors yet.
  const std::optional<Text> known_host = texts_.find(hit.host);
  if (hit.kind == HitKind::leave) {
    if (!known_host) return false;
    const Key key{hit.visitor, *known_host};
    Visitor* visitor = visitors_.find(key);
    if (visitor == nullptr) return false;
    // Its visible time is the page's engaged time, even when the person
    // stays (another tab, the next page): a deferred leave ends nothing.
    if (hit.visible_ms > 0 && !visitor->bot) {
      if (const auto path = texts_.find(hit.path)) engage_journey(*visitor, hit, *path);
    }
    if (hit.deferred || !leave_ends_stay(hit, texts_.text(visitor->path))) return false;
    forget(key, *visitor);
    visitors_.erase(key);
    return true;
  }
  // A beat, hide or show refreshes a visitor a page view brought in; it
  // brings in nobody.
  if (hit.kind != HitKind::view &&
      (!known_host || visitors_.find(Key{hit.visitor, *known_host}) == nullptr)) {
    return false;
  }
  const Key key{hit.visitor, known_host ? *known_host : texts_.intern(hit.host)};
  // A new visitor's host names its window (looked up only when there are
  // --site-active-window rules).
  auto [visitor, inserted] = visitors_.touch(key, [&] { return windows_.tier(hit.host); });
  bool changed = inserted;
  if (inserted) {
    if (known_host) texts_.retain(key.host);  // else interning it took the reference
    visitor.first_seen_ms = hit.ts_ms;
    visitor.country_code = texts_.intern(hit.country_code);
    visitor.country_name = texts_.intern(hit.country_name);
    visitor.city = texts_.intern(hit.city);
    visitor.device = texts_.intern(hit.device);
    visitor.browser = texts_.intern(hit.browser);
    visitor.os = texts_.intern(hit.os);
    visitor.bot = hit.is_bot();
    count(key.host, visitor, +1);
  }
  visitor.first_seen_ms = std::min(visitor.first_seen_ms, hit.ts_ms);
  // Workers log in the order they finish, not always in the order a person
  // clicked: a hit older than the last one seen does not move them back.
  if (hit.ts_ms >= visitor.last_seen_ms && texts_.text(visitor.path) != hit.path) {
    const Text left = visitor.path;
    visitor.path = texts_.intern(hit.path);
    texts_.release(left);
    changed = true;
  }
  // Where the visit came from: its first referrer from another site.
  if (hit.kind == HitKind::view && visitor.referrer == StringPool::empty &&
      !hit.referrer.empty() && !same_site(hit.referrer, hit.host)) {
    visitor.referrer = texts_.intern(hit.referrer);
    changed = true;
  }
  if (hit.kind == HitKind::view && visitor.source == StringPool::empty &&
      !hit.source_group.empty()) {
    visitor.source = texts_.intern(hit.source_group);
    changed = true;
  }
  if (hit.kind == HitKind::view && visitor.campaign == StringPool::empty &&
      !hit.campaign.name.empty()) {
    visitor.campaign = texts_.intern(hit.campaign.name);
    changed = true;
  }
  // Whether the person is reading: the newest view, hide or show says (a
  // beat does not: a background tab's keep-alive looks like any other).
  if ((hit.kind == HitKind::view || hit.kind == HitKind::hide || hit.kind == HitKind::show) &&
      hit.ts_ms >= visitor.visibility_ms) {
    const bool hidden = hit.kind == HitKind::hide;
    changed = changed || hidden != visitor.hidden;
    visitor.hidden = hidden;
    visitor.visibility_ms = hit.ts_ms;
  }
  if (hit.kind == HitKind::view && !visitor.bot) add_to_journey(visitor, hit);
  if (hit.kind == HitKind::hide && hit.visible_ms > 0 && !visitor.bot) {
    if (const auto path = texts_.find(hit.path)) engage_journey(visitor, hit, *path);
  }
  visitor.last_seen_ms = std::max(visitor.last_seen_ms, hit.ts_ms);
  return changed || hit.kind == HitKind::view;
}

std::size_t LiveSet::expire(std::int64_t now_ms) {
  return visitors_.expire_tiers(
      [&](std::size_t tier) { return now_ms - windows_.window_ms(tier); },
      [this](const Key& key, const Visitor& gone) { forget(key, gone); });
}

std::int64_t LiveSet::people(std::string_view host) const {
  if (host.empty()) return people_;
  const auto it = people_per_host_.find(host);
  return it == people_per_host_.end() ? 0 : it->second;
}

std::int64_t LiveSet::reading(std::int64_t now_ms, std::string_view host) const {
  // Workers log a little out of order: walk a few seconds past the window.
  constexpr std::int64_t reorder_margin_ms = 5'000;
  std::optional<Text> only_host;
  if (!host.empty()) {
    only_host = texts_.find(host);
    if (!only_host) return 0;
  }
  std::int64_t count = 0;
  visitors_.for_each_newest_first_while([&](const Key& key, const Visitor& visitor) {
    if (visitor.last_seen_ms + reading_window_ms_ + reorder_margin_ms < now_ms) return false;
    if ((!only_host || key.host == *only_host) && is_reading(visitor, now_ms)) ++count;
    return true;
  });
  return count;
}

std::vector<std::string> LiveSet::hosts() const {
  std::vector<std::string> hosts;
  for (const auto& [host, people] : people_per_host_) hosts.push_back(host);
  return hosts;
}

LiveVisitor LiveSet::shown(const Key& key, const Visitor& visitor, std::int64_t now_ms) const {
  auto text = [this](Text handle) { return std::string(texts_.text(handle)); };
  return {.id = to_hex(key.visitor),
          .host = text(key.host),
          .path = text(visitor.path),
          .referrer = text(visitor.referrer),
          .country_code = text(visitor.country_code),
          .country_name = text(visitor.country_name),
          .city = text(visitor.city),
          .device = text(visitor.device),
          .browser = text(visitor.browser),
          .os = text(visitor.os),
          .source = text(visitor.source),
          .campaign = text(visitor.campaign),
          .first_seen_ms = visitor.first_seen_ms,
          .last_seen_ms = visitor.last_seen_ms,
          .bot = visitor.bot,
          .reading = is_reading(visitor, now_ms)};
}

namespace {

// Tallies one dimension by handle (equal texts share one); the unknown
// (empty) value is left out of the list.
class Tally {
 public:
  explicit Tally(const StringPool& texts) : texts_(texts) {}

  void add(StringPool::Handle key, StringPool::Handle detail = StringPool::empty) {
    if (key != StringPool::empty) ++counts_[{key, detail}];
  }

  // Most viewers first; ties in order of key, then detail.
  std::vector<Count> top(std::size_t n) const {
    std::vector<Count> out;
    out.reserve(counts_.size());
    for (const auto& [key, viewers] : counts_) {
      out.push_back({std::string(texts_.text(key.first)), std::string(texts_.text(key.second)),
                     viewers});
    }
    const auto first = [](const Count& a, const Count& b) {
      return std::tie(b.viewers, a.key, a.detail) < std::tie(a.viewers, b.key, b.detail);
    };
    n = std::min(n, out.size());
    std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n), out.end(),
                      first);
    out.resize(n);
    return out;
  }

 private:
  struct PairHash {
    std::size_t operator()(std::pair<StringPool::Handle, StringPool::Handle> key) const {
      return (std::size_t{key.first} << 32) | key.second;
    }
  };
  const StringPool& texts_;
  std::unordered_map<std::pair<StringPool::Handle, StringPool::Handle>, std::int64_t, PairHash>
      counts_;
};

}  // namespace

LiveSnapshot LiveSet::snapshot(std::int64_t now_ms, std::string_view host, std::size_t top_n,
                               std::size_t max_visitors) const {
  if (host.empty()) return collect(now_ms, nullptr, top_n, max_visitors);
  const std::optional<Text> only_host = texts_.find(host);
  if (!only_host) {  // nobody on that host
    LiveSnapshot snap;
    snap.ts_ms = now_ms;
    return snap;
  }
  return collect(now_ms, [only = *only_host](Text text) { return text == only; }, top_n,
                 max_visitors);
}

LiveSnapshot LiveSet::snapshot_where(std::int64_t now_ms,
                                     const std::function<bool(std::string_view host)>& keep,
                                     std::size_t top_n, std::size_t max_visitors) const {
  std::unordered_map<Text, bool> decided;
  return collect(
      now_ms,
      [&](Text host) {
        auto [it, added] = decided.try_emplace(host, false);
        if (added) it->second = keep(texts_.text(host));
        return it->second;
      },
      top_n, max_visitors);
}

LiveSnapshot LiveSet::collect(std::int64_t now_ms, const std::function<bool(Text host)>& keep,
                              std::size_t top_n, std::size_t max_visitors) const {
  LiveSnapshot snap;
  snap.ts_ms = now_ms;
  Tally pages(texts_), countries(texts_), cities(texts_), devices(texts_), browsers(texts_),
      os(texts_), referrers(texts_), sources(texts_), campaigns(texts_);
  visitors_.for_each_newest_first([&](const Key& key, const Visitor& visitor) {
    if (keep && !keep(key.host)) return;
    if (visitor.bot) {
      ++snap.bots;
      return;
    }
    ++snap.active;
    if (is_reading(visitor, now_ms)) ++snap.reading;
    pages.add(visitor.path);
    countries.add(visitor.country_code, visitor.country_name);
    cities.add(visitor.city, visitor.country_code);
    devices.add(visitor.device);
    browsers.add(visitor.browser);
    os.add(visitor.os);
    referrers.add(visitor.referrer);
    sources.add(visitor.source);
    campaigns.add(visitor.campaign);
    if (snap.visitors.size() < max_visitors) snap.visitors.push_back(shown(key, visitor, now_ms));
  });
  snap.pages = pages.top(top_n);
  snap.countries = countries.top(top_n);
  snap.cities = cities.top(top_n);
  snap.devices = devices.top(top_n);
  snap.browsers = browsers.top(top_n);
  snap.os = os.top(top_n);
  snap.referrers = referrers.top(top_n);
  snap.sources = sources.top(top_n);
  snap.campaigns = campaigns.top(top_n);
  return snap;
}

std::vector<PageCount> LiveSet::page_counts() const {
  struct PairHash {
    std::size_t operator()(std::pair<Text, Text> key) const {
      return (std::size_t{key.first} << 32) | key.second;
    }
  };
  std::unordered_map<std::pair<Text, Text>, std::uint64_t, PairHash> counts;
  visitors_.for_each_newest_first([&](const Key& key, const Visitor& visitor) {
    if (!visitor.bot) ++counts[{key.host, visitor.path}];
  });
  std::vector<PageCount> pages;
  pages.reserve(counts.size());
  for (const auto& [page, viewers] : counts) {
    pages.push_back({std::string(texts_.text(page.first)), std::string(texts_.text(page.second)),
                     viewers});
  }
  return pages;
}

}  // namespace onlooker
