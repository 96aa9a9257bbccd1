// Visitors keyed by (id, host), kept in order of last activity: a touch
// moves an entry to the back, expiry pops from the front. Every operation
// is O(1) (amortised for expiry). Shared by the live set and the visit
// tracker, which both need "who was seen within the window".
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <list>
#include <string>
#include <unordered_map>
#include <utility>

#include "hit.h"

namespace onlooker {

struct VisitorKey {
  VisitorId visitor;
  std::string host;
  friend bool operator==(const VisitorKey&, const VisitorKey&) = default;
};

struct VisitorKeyHash {
  std::size_t operator()(const VisitorKey& key) const {
    // The visitor id is already a uniformly distributed hash or random id.
    std::size_t seed;
    std::memcpy(&seed, key.visitor.data(), sizeof seed);
    return seed ^ (std::hash<std::string>{}(key.host) * 0x9e3779b97f4a7c15ULL);
  }
};

// Value must have `std::int64_t last_seen_ms`.
template <class Value>
class VisitorIndex {
  struct Entry;
  using Map = std::unordered_map<VisitorKey, Entry, VisitorKeyHash>;
  // Pointers to map elements stay valid across rehashing.
  using Recency = std::list<typename Map::value_type*>;
  struct Entry {
    Value value;
    typename Recency::iterator position;
  };

 public:
  Value* find(const VisitorKey& key) {
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second.value;
  }

  // The entry for `key`, created when missing, moved to the newest end.
  std::pair<Value&, bool> touch(const VisitorKey& key) {
    auto [it, inserted] = map_.try_emplace(key);
    if (inserted) {
      recency_.push_back(&*it);
      it->second.position = std::prev(recency_.end());
    } else {
      recency_.splice(recency_.end(), recency_, it->second.position);
    }
    return {it->second.value, inserted};
  }

  void erase(const VisitorKey& key) {
    auto it = map_.find(key);
    if (it == map_.end()) return;
    recency_.erase(it->second.position);
    map_.erase(it);
  }

  // Removes entries last seen at or before `cutoff_ms`, oldest first,
  // handing each to `removed` before it goes.
  template <class OnRemove>
  std::size_t expire(std::int64_t cutoff_ms, OnRemove&& removed) {
    std::size_t count = 0;
    while (!recency_.empty() && recency_.front()->second.value.last_seen_ms <= cutoff_ms) {
      auto* node = recency_.front();
      removed(node->first, node->second.value);
      recency_.pop_front();
      map_.erase(node->first);
      ++count;
    }
    return count;
  }

  // Newest first.
  template <class Visit>
  void for_each_newest_first(Visit&& visit) const {
    for (auto it = recency_.rbegin(); it != recency_.rend(); ++it) visit((*it)->second.value);
  }

  std::size_t size() const { return map_.size(); }

 private:
  Map map_;
  Recency recency_;  // front: least recently seen
};

}  // namespace onlooker
