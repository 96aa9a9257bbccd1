#include "live_set.h"

#include <algorithm>
#include <cstring>
#include <map>

namespace onlooker {

std::size_t LiveSet::KeyHash::operator()(const Key& key) const {
  // The visitor id is already a uniformly distributed hash or random id.
  std::size_t seed;
  std::memcpy(&seed, key.visitor.data(), sizeof seed);
  return seed ^ (std::hash<std::string>{}(key.host) * 0x9e3779b97f4a7c15ULL);
}

bool LiveSet::apply(const Hit& hit) {
  Key key{hit.visitor, hit.host};
  auto it = visitors_.find(key);
  if (hit.kind == HitKind::leave) {
    // A leave from a page the visitor has already moved on from (the
    // pagehide of page A racing the view of page B) is not a leave.
    if (it == visitors_.end() || (!hit.path.empty() && it->second.visitor.path != hit.path)) {
      return false;
    }
    remove(it);
    return true;
  }
  if (it == visitors_.end()) {
    Entry entry;
    entry.visitor.id = to_hex(hit.visitor);
    entry.visitor.host = hit.host;
    entry.visitor.first_seen_ms = hit.ts_ms;
    it = visitors_.emplace(std::move(key), std::move(entry)).first;
    recency_.push_back(&*it);
    it->second.position = std::prev(recency_.end());
  } else {
    recency_.splice(recency_.end(), recency_, it->second.position);
  }
  LiveVisitor& visitor = it->second.visitor;
  const bool moved = visitor.path != hit.path;
  visitor.path = hit.path;
  if (hit.kind == HitKind::view && !hit.referrer.empty()) visitor.referrer = hit.referrer;
  visitor.last_seen_ms = std::max(visitor.last_seen_ms, hit.ts_ms);
  return moved || hit.kind == HitKind::view;
}

std::size_t LiveSet::expire(std::int64_t now_ms) {
  std::size_t removed = 0;
  while (!recency_.empty() && recency_.front()->second.visitor.last_seen_ms + window_ms_ <= now_ms) {
    remove(visitors_.find(recency_.front()->first));
    ++removed;
  }
  return removed;
}

void LiveSet::remove(Map::iterator it) {
  recency_.erase(it->second.position);
  visitors_.erase(it);
}

LiveSnapshot LiveSet::snapshot(std::int64_t now_ms, std::string_view host, std::size_t top_n,
                               std::size_t max_visitors) const {
  LiveSnapshot snap;
  snap.ts_ms = now_ms;
  std::map<std::string_view, std::int64_t> per_page;
  for (auto it = recency_.rbegin(); it != recency_.rend(); ++it) {
    const LiveVisitor& visitor = (*it)->second.visitor;
    if (!host.empty() && visitor.host != host) continue;
    ++snap.active;
    ++per_page[visitor.path];
    if (snap.visitors.size() < max_visitors) snap.visitors.push_back(visitor);
  }
  for (const auto& [path, viewers] : per_page) snap.pages.push_back({std::string(path), viewers});
  std::stable_sort(snap.pages.begin(), snap.pages.end(),
                   [](const PageCount& a, const PageCount& b) { return a.viewers > b.viewers; });
  if (snap.pages.size() > top_n) snap.pages.resize(top_n);
  return snap;
}

}  // namespace onlooker
