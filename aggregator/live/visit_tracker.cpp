#include "visit_tracker.h"

#include <algorithm>

namespace onlooker {

void VisitTracker::apply(const Hit& hit, std::vector<Visit>& closed) {
  const VisitorKey key{hit.visitor, hit.host};
  if (hit.kind == HitKind::leave) {
    Visit* visit = open_.find(key);
    if (visit != nullptr && leave_ends_stay(hit, visit->exit_page)) {
      visit->last_seen_ms = std::max(visit->last_seen_ms, hit.ts_ms);
      closed.push_back(std::move(*visit));
      open_.erase(key);
    }
    return;
  }
  // A visit whose silence outlasted the window (hits out of order, or a
  // lull between expiry ticks) ends before this hit starts a new one.
  if (Visit* stale = open_.find(key); stale && stale->last_seen_ms + window_ms_ <= hit.ts_ms) {
    closed.push_back(std::move(*stale));
    open_.erase(key);
  }
  auto [visit, inserted] = open_.touch(key);
  if (inserted) {
    visit.visitor = to_hex(hit.visitor);
    visit.host = hit.host;
    visit.start_ms = hit.ts_ms;
    visit.entry_page = hit.path;
    visit.country = hit.country_code;
    visit.device = hit.device;
  }
  if (!inserted && hit.ts_ms < visit.start_ms) {  // an earlier hit, logged later
    visit.start_ms = hit.ts_ms;
    if (!hit.path.empty()) visit.entry_page = hit.path;
  }
  if (hit.kind == HitKind::view) ++visit.pages;
  // As in the live set: an older hit arriving late is not the last page.
  if (!hit.path.empty() && hit.ts_ms >= visit.last_seen_ms) visit.exit_page = hit.path;
  visit.last_seen_ms = std::max(visit.last_seen_ms, hit.ts_ms);
}

void VisitTracker::expire(std::int64_t now_ms, std::vector<Visit>& closed) {
  open_.expire(now_ms - window_ms_,
               [&closed](const VisitorKey&, Visit& visit) { closed.push_back(std::move(visit)); });
}

void VisitTracker::close_all(std::vector<Visit>& closed) {
  open_.expire(INT64_MAX, [&closed](const VisitorKey&, Visit& visit) {
    closed.push_back(std::move(visit));
  });
}

}  // namespace onlooker
