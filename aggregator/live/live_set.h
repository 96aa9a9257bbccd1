// The live set: visitors seen within the active window, with the page each
// is on and what enrichment knows of them. Updated one hit at a time;
// expiry is O(1) amortised per hit because visitors are kept in order of
// last activity (a hit moves its visitor to the back of the list; expiry
// pops from the front). A million visitors must fit in well under 512 MiB,
// so each is kept as handles into a pool of shared texts and turned back
// into strings only for the few a snapshot shows.
// Each person is reading (their tab in front, and heard from within the
// reading window: beacon.js beats every 30 s while visible) or idle (their
// tab went to the background, or they have been silent). Visibility is per
// person, not per tab: the newest view, hide or show decides it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "active_windows.h"
#include "hit.h"
#include "string_pool.h"
#include "visitor_index.h"

namespace onlooker {

// One visitor as a snapshot shows it.
struct LiveVisitor {
  std::string id;  // hex
  std::string host;
  std::string path;
  std::string referrer;
  std::string country_code;
  std::string country_name;
  std::string city;
  std::string device;
  std::string browser;
  std::string os;
  std::string source;    // the visit's source group (direct, search...); "" when unknown
  std::string campaign;  // the visit's utm_campaign; "" when none
  std::int64_t first_seen_ms = 0;
  std::int64_t last_seen_ms = 0;
  bool bot = false;
  bool reading = false;
};

// One person's walk in their current stay (GET /api/journey): their page
// views in time order, the latest live_journey_views_kept of them.
struct LiveJourney {
  struct Step {
    std::int64_t ts_ms = 0;
    std::string path;
    // The visible time its leave or hide reported (capped by the visit
    // tracker); none while the page has reported none.
    std::optional<std::uint32_t> engaged_ms;
  };
  std::string id;  // hex
  std::string host;
  std::int64_t first_seen_ms = 0;
  std::int64_t last_seen_ms = 0;
  std::uint32_t views = 0;  // page views in the stay, those not kept too
  std::vector<Step> steps;
};

// Page views a live visitor keeps for its journey: the latest ones (a
// person's long stay shows its last 50 pages). Bounds a visitor's memory
// whatever a client sends; bots keep none.
inline constexpr std::size_t live_journey_views_kept = 50;

// One entry of a top-N list: `key` is what is counted (a path, a device
// name...), `detail` what goes with it (a country's name, a city's country).
struct Count {
  std::string key;
  std::string detail;
  std::int64_t viewers = 0;
};

// People on one page of one host (the viewers table publishes these).
struct PageCount {
  std::string host;
  std::string path;
  std::uint64_t viewers = 0;
};

struct LiveSnapshot {
  std::int64_t ts_ms = 0;
  std::int64_t active = 0;  // people: bots are never counted here
  std::int64_t reading = 0;  // of the active, those reading now
  std::int64_t bots = 0;
  std::vector<Count> pages;      // most viewers first
  std::vector<Count> countries;  // key: ISO code, detail: English name
  std::vector<Count> cities;     // key: city, detail: country ISO code
  std::vector<Count> devices;
  std::vector<Count> browsers;
  std::vector<Count> os;
  std::vector<Count> referrers;
  std::vector<Count> sources;    // key: source group
  std::vector<Count> campaigns;  // key: utm_campaign
  std::vector<LiveVisitor> visitors;  // people, most recently seen first
};

class LiveSet {
 public:
  // beacon.js's visible beat interval and a quarter of it for the trip.
  static constexpr std::int64_t default_reading_window_ms = 45'000;

  explicit LiveSet(std::int64_t active_window_ms,
                   std::int64_t reading_window_ms = default_reading_window_ms)
      : LiveSet(ActiveWindows(std::chrono::milliseconds(active_window_ms)), reading_window_ms) {}
  // Each host's visitors by their site's window (--site-active-window).
  explicit LiveSet(ActiveWindows windows,
                   std::int64_t reading_window_ms = default_reading_window_ms)
      : windows_(std::move(windows)),
        reading_window_ms_(reading_window_ms),
        visitors_(windows_.tiers()) {}

  // Returns true when the set changed in a way a snapshot shows.
  bool apply(const Hit& hit);
  // Removes visitors not seen since now_ms - their host's window; returns
  // how many.
  std::size_t expire(std::int64_t now_ms);
  const ActiveWindows& windows() const { return windows_; }

  std::size_t size() const { return visitors_.size(); }
  // People (not bots) on `host`, or on every host when it is empty. O(1).
  std::int64_t people(std::string_view host = {}) const;
  // The hosts people are on now (for per-host series).
  std::vector<std::string> hosts() const;
  // People reading now on `host` (every host when empty). Walks only those
  // heard from within the reading window (and a little more: hits are kept
  // in the order they were applied, not quite their timestamps').
  std::int64_t reading(std::int64_t now_ms, std::string_view host = {}) const;

  LiveSnapshot snapshot(std::int64_t now_ms, std::string_view host = {},
                        std::size_t top_n = 10, std::size_t max_visitors = 100) const;
  // Only the visitors on hosts `keep` accepts (a site key's sites); `keep`
  // is asked once per host.
  LiveSnapshot snapshot_where(std::int64_t now_ms,
                              const std::function<bool(std::string_view host)>& keep,
                              std::size_t top_n = 10, std::size_t max_visitors = 100) const;

  // The journey of a person on `host` now (none for a bot or someone gone).
  std::optional<LiveJourney> journey(std::string_view host, const VisitorId& visitor) const;

  // People per (host, path), every page, in no order. O(visitors).
  std::vector<PageCount> page_counts() const;

  // Distinct texts the visitors hold (for tests and memory checks).
  std::size_t distinct_texts() const { return texts_.size(); }

 private:
  using Text = StringPool::Handle;

  // The host is a handle too: the key is 20 bytes and hashes without
  // reading a string.
  struct Key {
    VisitorId visitor;
    Text host;
    friend bool operator==(const Key&, const Key&) = default;
  };
  struct KeyHash {
    // noexcept: lets the map recompute hashes instead of storing them.
    std::size_t operator()(const Key& key) const noexcept;
  };
  // What is kept per visitor: its id and host are in the key, and the hex
  // id a snapshot shows is made from the key when it is shown.
  struct JourneyStep {
    std::int64_t ts_ms = 0;
    Text path = StringPool::empty;
    std::uint32_t visible_ms = 0;  // the most a leave or hide of this view reported
    bool engaged = false;          // one did
  };
  struct Visitor {
    std::int64_t first_seen_ms = 0;
    std::int64_t last_seen_ms = 0;
    Text path = StringPool::empty;
    Text referrer = StringPool::empty;
    Text country_code = StringPool::empty;
    Text country_name = StringPool::empty;
    Text city = StringPool::empty;
    Text device = StringPool::empty;
    Text browser = StringPool::empty;
    Text os = StringPool::empty;
    // The visit's first source and campaign, as its first referrer: the
    // landing view's, or a later view's when the landing had none.
    Text source = StringPool::empty;
    Text campaign = StringPool::empty;
    std::int64_t visibility_ms = 0;  // when the view, hide or show that set `hidden` was
    bool bot = false;
    bool hidden = false;  // a hide was the newest of view, hide, show
    std::uint16_t tier = 0;  // its window's (visitor_index.h), in the flags' padding
    std::uint32_t views = 0;  // page views in the stay
    // The latest page views, in time order (at most live_journey_views_kept).
    std::vector<JourneyStep> journey;
  };
  struct HostHash {
    using is_transparent = void;  // people(host) looks up without a copy
    std::size_t operator()(std::string_view host) const noexcept {
      return std::hash<std::string_view>{}(host);
    }
  };

  void count(Text host, const Visitor& visitor, int delta);
  LiveSnapshot collect(std::int64_t now_ms, const std::function<bool(Text host)>& keep,
                       std::size_t top_n, std::size_t max_visitors) const;
  // Uncounts a visitor about to be removed and releases its texts.
  void forget(const Key& key, const Visitor& visitor);
  void add_to_journey(Visitor& visitor, const Hit& hit);
  static void engage_journey(Visitor& visitor, const Hit& hit, Text path);
  LiveVisitor shown(const Key& key, const Visitor& visitor, std::int64_t now_ms) const;
  bool is_reading(const Visitor& visitor, std::int64_t now_ms) const {
    return !visitor.bot && !visitor.hidden && visitor.last_seen_ms + reading_window_ms_ >= now_ms;
  }

  ActiveWindows windows_;
  std::int64_t reading_window_ms_;
  StringPool texts_;  // declared before visitors_, which hold its handles
  VisitorIndex<Visitor, Key, KeyHash> visitors_;
  std::int64_t people_ = 0;
  std::unordered_map<std::string, std::int64_t, HostHash, std::equal_to<>> people_per_host_;
};

}  // namespace onlooker
