#include "visit_tracker.h"

#include <algorithm>
#include <array>

namespace onlooker {

VisitTracker::VisitTracker(PresenceSettings settings)
    : settings_(std::move(settings)),
      windows_(std::chrono::milliseconds(settings_.active_window_ms), settings_.site_windows),
      open_(windows_.tiers()) {}

// Two keys: the address alone, keyed (what the per-address bound counts),
// and that with the User-Agent mixed in (what a beat or leave must match).
// Neither lets the address be read back, and both change with every start.
// One keyed hash a hit: the User-Agent needs no key (it is no secret), only
// to be bound to the keyed address.
VisitTracker::Fingerprint VisitTracker::fingerprint(const Hit& hit) const {
  const std::size_t length = hit.address.family == 4 ? 4 : hit.address.bytes.size();
  const std::array<std::uint8_t, 1> family{hit.address.family};
  const std::span<const std::uint8_t> address(hit.address.bytes.data(), length);
  const std::array<std::span<const std::uint8_t>, 2> parts{family, address};
  const std::uint64_t address_key = hash_(parts);
  const std::uint64_t agent = std::hash<std::string_view>{}(hit.user_agent);
  const std::uint64_t with_agent = address_key ^ ((agent ^ (agent >> 29)) * 0xbf58476d1ce4e5b9ULL);
  // 0 means "not known": a hash of 0 is taken as 1.
  return {std::max<std::uint64_t>(address_key, 1), std::max<std::uint64_t>(with_agent, 1)};
}

Presence VisitTracker::apply(Hit& hit, std::vector<Visit>& closed) {
  return judge(hit, false, closed);
}

Presence VisitTracker::restore(Hit& hit, std::vector<Visit>& closed) {
  return judge(hit, true, closed);
}

Presence VisitTracker::judge(Hit& hit, bool replay, std::vector<Visit>& closed) {
  const VisitorKey key{hit.visitor, hit.host};
  OpenVisit* visit = open_.find(key);
  // A visit whose silence outlasted the window (hits out of order, or a
  // lull between expiry ticks) ends before this hit.
  if (visit != nullptr && visit->last_seen_ms + visit->window_ms <= hit.ts_ms) {
    close(key, *visit, closed);
    open_.erase(key);
    visit = nullptr;
  }
  if (hit.kind != HitKind::view) {
    if (visit == nullptr) return Presence::orphaned;
    if (!replay) {
      const std::uint64_t print = fingerprint(hit).address_and_agent;
      if (visit->fingerprint == 0) {
        visit->fingerprint = print;  // replayed: the first beat after a start names it
      } else if (visit->fingerprint != print) {
        return Presence::mismatched;
      }
    }
    cap_visible_time(*visit, hit);
    // Replayed hits belong to a visit row already written (as pages do).
    if (!replay) {
      if (hit.kind == HitKind::leave) {
        visit->engagement.left(hit.visible_ms);
        // (A leave that names no page has none to count it to.)
        if (visit->row.device != "bot" && !hit.path.empty()) {
          add_page_engaged(visit->left_pages, hit.path, hit.visible_ms);
        }
      }
      else if (hit.kind == HitKind::hide) visit->engagement.hidden(hit.visible_ms);
      else visit->engagement.heard();
    }
    if (hit.kind == HitKind::leave) {
      leave(key, *visit, hit);
    } else if (hit.kind == HitKind::hide) {
      // Closing a tab hides it first, and that hide may be logged after the
      // leave: it keeps the visit's time but brings no tab back.
      visit->last_seen_ms = std::max(visit->last_seen_ms, hit.ts_ms);
    } else {
      refresh(*visit, hit);
    }
    return Presence::counted;
  }
  if (visit == nullptr) {
    Fingerprint print;
    if (!replay) {
      print = fingerprint(hit);
      auto& count = per_address_[print.address_key];
      if (count >= settings_.max_per_address) return Presence::refused;
      ++count;
    }
    const std::size_t tier = windows_.tier(hit.host);
    OpenVisit& opened = open_.touch(key, [tier] { return tier; }).first;
    opened.window_ms = windows_.window_ms(tier);
    opened.fingerprint = print.address_and_agent;
    opened.address_key = print.address_key;
    opened.restored = replay;
    opened.row.visitor = to_hex(hit.visitor);
    opened.row.host = hit.host;
    opened.row.start_ms = hit.ts_ms;
    opened.row.entry_page = hit.path;
    opened.row.country = hit.country_code;
    opened.row.device = hit.device;
    visit = &opened;
  } else if (visit->restored && visit->row.pages == 0 && !replay) {
    // The first page view since the start begins what is written anew.
    visit->row.start_ms = hit.ts_ms;
    visit->row.entry_page = hit.path;
  } else if (hit.ts_ms < visit->row.start_ms) {  // an earlier hit, logged later
    visit->row.start_ms = hit.ts_ms;
    if (!hit.path.empty()) visit->row.entry_page = hit.path;
  }
  if (!replay) {
    if (visit->row.pages > 0) {
      visit->engagement.viewed_after(hit.ts_ms - visit->last_view_ms, settings_.estimate_cap_ms);
    }
    ++visit->row.pages;
    if (!hit.is_bot()) add_to_journey(visit->row.journey, hit);
  }
  if (visit->row.campaign.empty()) visit->row.campaign = hit.campaign;
  if (visit->row.source_group.empty() && !hit.source_group.empty()) {
    visit->row.source_group = hit.source_group;
    visit->row.source_name = hit.source_name;
    visit->row.referrer_host = hit.referrer_host;
  }
  visit->last_view_ms = std::max(visit->last_view_ms, hit.ts_ms);
  refresh(*visit, hit);
  return Presence::counted;
}

void VisitTracker::cap_visible_time(const OpenVisit& visit, Hit& hit) const {
  if (hit.visible_ms == 0) return;
  std::int64_t since_ms = hit.tab != 0 ? visit.tabs.on_page_since(hit.tab, hit.path) : -1;
  if (since_ms < 0) since_ms = visit.last_view_ms;
  const std::int64_t wall_ms =
      std::max<std::int64_t>(hit.ts_ms - since_ms + settings_.visible_slack_ms, 0);
  if (hit.visible_ms > wall_ms) hit.visible_ms = static_cast<std::uint32_t>(wall_ms);
}

// In time order (a view logged late goes where it belongs; equal times by
// path, as the SQL that checks the rollups orders them), up to the cap.
void VisitTracker::add_to_journey(std::vector<JourneyView>& journey, const Hit& hit) {
  JourneyView view{hit.ts_ms, hit.path};
  const auto place = static_cast<std::size_t>(
      std::upper_bound(journey.begin(), journey.end(), view) - journey.begin());
  if (journey.size() == journey_views_kept) {
    if (place == journey.size()) return;  // past the cap
    journey.pop_back();  // an earlier view, logged late, pushes out the last
  }
  journey.insert(journey.begin() + static_cast<std::ptrdiff_t>(place), std::move(view));
}

void VisitTracker::refresh(OpenVisit& visit, const Hit& hit) {
  if (hit.tab != 0) visit.tabs.seen(hit.tab, hit.ts_ms, hit.path);
  // As in the live set: an older hit arriving late is not the last page.
  if (!hit.path.empty() && hit.ts_ms >= visit.last_seen_ms) visit.row.exit_page = hit.path;
  visit.leaving_since_ms = 0;
  visit.last_seen_ms = std::max(visit.last_seen_ms, hit.ts_ms);
  open_.touch(VisitorKey{hit.visitor, hit.host});
}

void VisitTracker::leave(const VisitorKey& key, OpenVisit& visit, Hit& hit) {
  hit.deferred = true;
  visit.last_seen_ms = std::max(visit.last_seen_ms, hit.ts_ms);
  open_.touch(key);
  const TabSet::Left left =
      hit.tab != 0 ? visit.tabs.leave(hit.tab, hit.path) : TabSet::Left::unknown;
  if (left == TabSet::Left::moved_on) return;  // the leave of the page before
  visit.tabs.drop_silent(hit.ts_ms - visit.window_ms);
  if (!visit.tabs.empty()) {  // another tab is open: the person is there
    visit.row.exit_page = visit.tabs.newest_path();
    return;
  }
  // No tab left: a leave of a page the person has since moved on from (a
  // view of another page, in a page without beacon.js) is no leave.
  if (!leave_ends_stay(hit, visit.row.exit_page)) return;
  visit.leaving_since_ms = std::max<std::int64_t>(hit.ts_ms, 1);
  leaving_.emplace_back(key, visit.leaving_since_ms);
}

void VisitTracker::close(const VisitorKey&, OpenVisit& visit, std::vector<Visit>& closed) {
  uncount(visit.address_key);
  visit.row.last_seen_ms = std::max(visit.row.last_seen_ms, visit.last_seen_ms);
  // Never more than the visit lasted: each leave's time is capped on its own,
  // so leave after leave (forged tab ids) would otherwise add up past it.
  visit.row.engaged_ms =
      std::min(visit.engagement.engaged_ms(),
               visit.row.last_seen_ms - visit.row.start_ms + settings_.visible_slack_ms);
  visit.row.engaged_estimated = visit.engagement.estimated();
  visit.row.page_engaged = pages_engaged(visit);
  // A visit replayed at start with no page view since was written when
  // onlookerd stopped; and a visit with no page view is no visit.
  if (visit.row.pages > 0) closed.push_back(std::move(visit.row));
}

// Measured: the leaves', but no more than the visit can have had, whatever
// a client sends (leaves with forged tab ids, naming any path): only pages
// its journey viewed, no more views of each than it made, and no more time
// in all than the visit's engaged time. Estimated: from the journey
// (people's, in time order), each view's time to the next, capped; the
// last view has none.
std::vector<PageEngaged> VisitTracker::pages_engaged(OpenVisit& visit) const {
  const auto& journey = visit.row.journey;
  if (!visit.engagement.estimated()) {
    std::vector<PageEngaged> pages = std::move(visit.left_pages);
    std::erase_if(pages, [&](PageEngaged& page) {
      const auto viewed = std::count_if(journey.begin(), journey.end(),
                                        [&](const JourneyView& view) { return view.path == page.path; });
      page.views = std::min<std::int64_t>(page.views, viewed);
      return page.views == 0;
    });
    std::int64_t total_ms = 0;
    for (const PageEngaged& page : pages) total_ms += page.engaged_ms;
    if (total_ms > visit.row.engaged_ms) {
      for (PageEngaged& page : pages) page.engaged_ms = page.engaged_ms * visit.row.engaged_ms / total_ms;
    }
    return pages;
  }
  std::vector<PageEngaged> pages;
  for (std::size_t i = 0; i + 1 < journey.size(); ++i) {
    add_page_engaged(pages, journey[i].path,
                     std::clamp<std::int64_t>(journey[i + 1].ts_ms - journey[i].ts_ms, 0,
                                              settings_.estimate_cap_ms));
  }
  return pages;
}

void VisitTracker::uncount(std::uint64_t address_key) {
  if (address_key == 0) return;
  const auto it = per_address_.find(address_key);
  if (it == per_address_.end()) return;
  if (--it->second == 0) per_address_.erase(it);
}

void VisitTracker::expire(std::int64_t now_ms, std::vector<Visit>& closed,
                          std::vector<Hit>& departures) {
  while (!leaving_.empty() && leaving_.front().second + settings_.leave_grace_ms <= now_ms) {
    const auto [key, since_ms] = std::move(leaving_.front());
    leaving_.pop_front();
    OpenVisit* visit = open_.find(key);
    if (visit == nullptr || visit->leaving_since_ms != since_ms) continue;  // came back
    Hit departure;
    departure.kind = HitKind::leave;
    departure.ts_ms = since_ms;
    departure.visitor = key.visitor;
    departure.host = key.host;
    departures.push_back(std::move(departure));
    close(key, *visit, closed);
    open_.erase(key);
  }
  open_.expire_tiers([&](std::size_t tier) { return now_ms - windows_.window_ms(tier); },
                     [this, &closed](const VisitorKey& key, OpenVisit& visit) {
                       close(key, visit, closed);
                     });
}

void VisitTracker::close_all(std::vector<Visit>& closed) {
  open_.expire(INT64_MAX, [this, &closed](const VisitorKey& key, OpenVisit& visit) {
    close(key, visit, closed);
  });
  leaving_.clear();
}

}  // namespace onlooker
