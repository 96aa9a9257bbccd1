// Visits for history and the presence check for the live view: one row per
// visit (visitor, host, start, end, pages, entry and exit page, country,
// device), closed when the person's last tab leaves or every tab has been
// silent for the active window. Runs on the drain thread before anything is
// published or stored, so it is also where beats and leaves are judged:
//   - a beat or leave only refreshes or ends a visitor who has a page view
//     in the current window (others are orphaned: dropped and counted);
//   - it must come from the address and User-Agent the visit's first view
//     came with (a keyed fingerprint, see keyed_hash.h), else it is dropped;
//   - one address opens at most max_per_address visits at a time;
//   - the visible time a leave or hide reports is capped by the wall time
//     since its tab came to the page (or, for a tab not known, since the
//     visit's newest page view), so that nobody can add hours to a page.
// A leave never ends the person in the live set directly: it ends one tab,
// and when it was the last, the person departs after a short grace (the
// view of the next page may be logged after the leave of the previous one).
// Departures are handed back as leave hits for the live set.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "active_windows.h"
#include "hit.h"
#include "keyed_hash.h"
#include "tab_set.h"
#include "visit_engagement.h"
#include "visitor_index.h"

namespace onlooker {

// One page view of a visit's journey, in time order.
struct JourneyView {
  std::int64_t ts_ms = 0;
  std::string path;
  friend auto operator<=>(const JourneyView&, const JourneyView&) = default;
};

// The page views a visit keeps for its journey (history's journey rollups):
// the first ones, in time order. A visit with more views counts the later
// ones in `pages` only. Bounds a visit's memory whatever a client sends.
inline constexpr std::size_t journey_views_kept = 100;

struct Visit {
  std::string visitor;  // hex
  std::string host;
  std::int64_t start_ms = 0;
  std::int64_t last_seen_ms = 0;  // the visit's end
  std::int64_t pages = 0;         // page views in the visit
  std::string entry_page;
  std::string exit_page;
  std::string country;
  std::string device;
  // The pages' engaged time (visit_engagement.h); estimated when none of
  // the visit's pages had beacon.js.
  std::int64_t engaged_ms = 0;
  bool engaged_estimated = false;
  bool bounce() const { return is_bounce(pages, engaged_ms); }
  // People's visits only (empty for a bot's): at most journey_views_kept.
  std::vector<JourneyView> journey;
  // (Last, so that positional initialisers of the fields above stay valid.)
  // Where the visit came from: its landing view's campaign and source (a
  // later view's when the landing had none, as the live set keeps them).
  Campaign campaign;
  std::string source_group;
  std::string source_name;
  std::string referrer_host;
  // Per page (visit_engagement.h's PageEngaged), people's visits only;
  // estimated as the visit's engaged time is.
  std::vector<PageEngaged> page_engaged;
};

// What the tracker made of one hit.
enum class Presence : std::uint8_t {
  counted,     // part of a visit: store it and show it
  orphaned,    // a beat or leave with no page view in the window
  mismatched,  // a beat or leave from another address or User-Agent
  refused,     // a view beyond the address's max_per_address visitors
};

struct PresenceSettings {
  std::int64_t active_window_ms = 300'000;
  // Sites whose visits end after a silence of their own (the first match).
  std::vector<SiteWindow> site_windows{};
  std::int64_t leave_grace_ms = 500;
  std::size_t max_per_address = 256;
  // What a visible time may exceed the wall time by: the tab's first beat
  // is stamped by nginx a network trip after beacon.js began to count.
  std::int64_t visible_slack_ms = 2'000;
  // The most a page view without beacon.js adds to an estimated engaged
  // time (its time to the visitor's next view).
  std::int64_t estimate_cap_ms = 180'000;
};

class VisitTracker {
 public:
  explicit VisitTracker(PresenceSettings settings);
  explicit VisitTracker(std::int64_t active_window_ms)
      : VisitTracker(PresenceSettings{.active_window_ms = active_window_ms}) {}

  // Judges the hit (from its address and User-Agent, which it does not
  // keep) and, when counted, applies it. A counted leave is marked
  // `deferred`: the live set waits for the departure instead.
  Presence apply(Hit& hit, std::vector<Visit>& closed);
  Presence apply(Hit&& hit, std::vector<Visit>& closed) { return apply(hit, closed); }
  // Replays a hit read back from history at start (no address or User-Agent
  // stored: the visit adopts the fingerprint of its next beat or view).
  // Visits replayed were written when onlookerd stopped: they write a row
  // again only for page views after the start.
  Presence restore(Hit& hit, std::vector<Visit>& closed);
  // Closes visits silent for the window and those whose last tab left more
  // than the grace ago; the latter are added to `departures` for the live set.
  void expire(std::int64_t now_ms, std::vector<Visit>& closed, std::vector<Hit>& departures);
  void expire(std::int64_t now_ms, std::vector<Visit>& closed) {
    std::vector<Hit> departures;
    expire(now_ms, closed, departures);
  }
  void close_all(std::vector<Visit>& closed);
  std::size_t open_visits() const { return open_.size(); }
  // The silence that ends a visit to `host`.
  std::int64_t window_ms(std::string_view host) const { return windows_.window_ms_for(host); }
  // Addresses with open visits (for tests: no address is kept, only keys).
  std::size_t addresses() const { return per_address_.size(); }

 private:
  struct OpenVisit {
    Visit row;
    std::int64_t last_seen_ms = 0;  // the newest hit of any tab
    std::int64_t last_view_ms = 0;  // the newest page view
    std::int64_t window_ms = 0;     // its host's active window
    std::uint16_t tier = 0;         // that window's (visitor_index.h)
    std::uint64_t fingerprint = 0;  // 0: not known yet (replayed from history)
    std::uint64_t address_key = 0;  // 0: not counted against an address
    std::int64_t leaving_since_ms = 0;  // the last tab left then; 0: present
    bool restored = false;
    TabSet tabs;
    VisitEngagement engagement;
    std::vector<PageEngaged> left_pages;  // the leaves' visible times, per page
  };
  struct Fingerprint {
    std::uint64_t address_key = 0;
    std::uint64_t address_and_agent = 0;
  };

  Presence judge(Hit& hit, bool replay, std::vector<Visit>& closed);
  Fingerprint fingerprint(const Hit& hit) const;
  void leave(const VisitorKey& key, OpenVisit& visit, Hit& hit);
  void cap_visible_time(const OpenVisit& visit, Hit& hit) const;
  void refresh(OpenVisit& visit, const Hit& hit);
  static void add_to_journey(std::vector<JourneyView>& journey, const Hit& hit);
  // The pages' engaged times of a visit about to close (PageEngaged).
  std::vector<PageEngaged> pages_engaged(OpenVisit& visit) const;
  void close(const VisitorKey& key, OpenVisit& visit, std::vector<Visit>& closed);
  void uncount(std::uint64_t address_key);

  PresenceSettings settings_;
  KeyedHash hash_;
  ActiveWindows windows_;
  VisitorIndex<OpenVisit> open_;  // a tier per distinct window
  // keyed hash -> open visits; flat: one probe a new visit, no node to
  // allocate (a std::unordered_map was a fifth of the tracker's time)
  absl::flat_hash_map<std::uint64_t, std::size_t> per_address_;
  // Visitors whose last tab left, oldest first (a view or beat since then
  // keeps them: their leaving_since_ms no longer matches).
  std::deque<std::pair<VisitorKey, std::int64_t>> leaving_;
};

}  // namespace onlooker
