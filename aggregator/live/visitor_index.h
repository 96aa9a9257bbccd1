// Visitors keyed by (id, host), kept in order of last activity: a touch
// moves an entry to the newest end, expiry removes from the oldest end.
// Every operation is O(1) (amortised for expiry). Shared by the live set
// and the visit tracker, which both need "who was seen within the window".
//
// Sites may have windows of their own (--site-active-window): one recency
// list (a tier) per distinct window, each expired with its own cutoff, so
// that a short window's visitors do not wait behind a long window's in one
// list. An entry's tier is chosen when it is created (its host decides it)
// and never changes; lookups still go through the one map. The tier is kept
// in the value (`tier`), where the live set's entry has room for it in its
// padding: a field of the index's own would add 16 bytes to every node.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "hit.h"

namespace onlooker {

// Both halves of the id: a real id is a uniform hash or random, but ids read
// back from history may be anything (tests' ids differ in their last bytes).
inline std::size_t visitor_id_hash(const VisitorId& id) noexcept {
  std::uint64_t low, high;
  std::memcpy(&low, id.data(), sizeof low);
  std::memcpy(&high, id.data() + sizeof low, sizeof high);
  return low ^ (high * 0xff51afd7ed558ccdULL);
}

struct VisitorKey {
  VisitorId visitor;
  std::string host;
  friend bool operator==(const VisitorKey&, const VisitorKey&) = default;
};

struct VisitorKeyHash {
  std::size_t operator()(const VisitorKey& key) const {
    return visitor_id_hash(key.visitor) ^
           (std::hash<std::string>{}(key.host) * 0x9e3779b97f4a7c15ULL);
  }
};

// Value must have `std::int64_t last_seen_ms` and `std::uint16_t tier`
// (set by the index).
template <class Value, class Key = VisitorKey, class KeyHash = VisitorKeyHash>
class VisitorIndex {
  struct Entry;
  using Map = std::unordered_map<Key, Entry, KeyHash>;
  using Node = typename Map::value_type;
  // The recency order is a doubly linked list through the map's own nodes
  // (which never move, not even on rehashing): no separate list node per
  // visitor, and no second allocation to reach on every touch.
  struct Entry {
    Value value;
    Node* older = nullptr;
    Node* newer = nullptr;
  };
  struct Tier {
    Node* oldest = nullptr;
    Node* newest = nullptr;
  };

 public:
  explicit VisitorIndex(std::size_t tiers = 1) : tiers_(std::max<std::size_t>(tiers, 1)) {}
  // The links point into this index's own nodes.
  VisitorIndex(const VisitorIndex&) = delete;
  VisitorIndex& operator=(const VisitorIndex&) = delete;

  Value* find(const Key& key) {
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second.value;
  }
  const Value* find(const Key& key) const {
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second.value;
  }

  // The entry for `key`, created when missing, moved to the newest end of
  // its tier. `tier_of()` names a new entry's tier (below tiers()); it is
  // not called for an entry that exists.
  template <class TierOf>
  std::pair<Value&, bool> touch(const Key& key, TierOf&& tier_of) {
    auto [it, inserted] = map_.try_emplace(key);
    Node& node = *it;
    if (inserted) {
      node.second.value.tier = static_cast<std::uint16_t>(tier_of());
      link_newest(node);
    } else if (&node != tiers_[node.second.value.tier].newest) {
      unlink(node);
      link_newest(node);
    }
    return {node.second.value, inserted};
  }
  std::pair<Value&, bool> touch(const Key& key) {
    return touch(key, [] { return std::size_t{0}; });
  }

  void erase(const Key& key) {
    auto it = map_.find(key);
    if (it == map_.end()) return;
    unlink(*it);
    map_.erase(it);
  }

  // Removes the entries of every tier last seen at or before
  // `cutoff_of(tier)`, oldest first, handing each to `removed` before it goes.
  template <class CutoffOf, class OnRemove>
  std::size_t expire_tiers(CutoffOf&& cutoff_of, OnRemove&& removed) {
    std::size_t count = 0;
    for (std::size_t tier = 0; tier < tiers_.size(); ++tier) {
      const std::int64_t cutoff_ms = cutoff_of(tier);
      Tier& list = tiers_[tier];
      while (list.oldest != nullptr && list.oldest->second.value.last_seen_ms <= cutoff_ms) {
        Node& node = *list.oldest;
        removed(node.first, node.second.value);
        unlink(node);
        map_.erase(node.first);
        ++count;
      }
    }
    return count;
  }
  // The same cutoff for every tier.
  template <class OnRemove>
  std::size_t expire(std::int64_t cutoff_ms, OnRemove&& removed) {
    return expire_tiers([cutoff_ms](std::size_t) { return cutoff_ms; },
                        std::forward<OnRemove>(removed));
  }

  // Calls visit(key, value), newest first: with several tiers, their lists
  // merged by last_seen_ms (each list is in order of its touches).
  template <class Visit>
  void for_each_newest_first(Visit&& visit) const {
    if (tiers_.size() == 1) {
      for (const Node* node = tiers_[0].newest; node != nullptr; node = node->second.older) {
        visit(node->first, node->second.value);
      }
      return;
    }
    std::vector<const Node*> next;
    next.reserve(tiers_.size());
    for (const Tier& list : tiers_) next.push_back(list.newest);
    for (;;) {
      const Node** newest = nullptr;
      for (const Node*& candidate : next) {
        if (candidate != nullptr &&
            (newest == nullptr ||
             candidate->second.value.last_seen_ms > (*newest)->second.value.last_seen_ms)) {
          newest = &candidate;
        }
      }
      if (newest == nullptr) return;
      const Node* node = *newest;
      *newest = node->second.older;
      visit(node->first, node->second.value);
    }
  }
  // Each tier's entries newest first, leaving a tier at its first entry
  // `visit` returns false for: the recently active only, without walking
  // everybody. Tiers are walked one after the other, not merged (a count
  // needs no global order, and a cutoff holds within each list alike).
  template <class Visit>
  void for_each_newest_first_while(Visit&& visit) const {
    for (const Tier& list : tiers_) {
      for (const Node* node = list.newest; node != nullptr; node = node->second.older) {
        if (!visit(node->first, node->second.value)) break;
      }
    }
  }

  std::size_t size() const { return map_.size(); }
  std::size_t tiers() const { return tiers_.size(); }

 private:
  void link_newest(Node& node) {
    Tier& list = tiers_[node.second.value.tier];
    node.second.older = list.newest;
    node.second.newer = nullptr;
    (list.newest ? list.newest->second.newer : list.oldest) = &node;
    list.newest = &node;
  }

  void unlink(Node& node) {
    Entry& entry = node.second;
    Tier& list = tiers_[entry.value.tier];
    (entry.older ? entry.older->second.newer : list.oldest) = entry.newer;
    (entry.newer ? entry.newer->second.older : list.newest) = entry.older;
  }

  Map map_;
  std::vector<Tier> tiers_;
};

}  // namespace onlooker
