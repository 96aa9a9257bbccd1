// Visitors keyed by (id, host), kept in order of last activity: a touch
// moves an entry to the newest end, expiry removes from the oldest end.
// Every operation is O(1) (amortised for expiry). Shared by the live set
// and the visit tracker, which both need "who was seen within the window".
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <unordered_map>
#include <utility>

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

// Value must have `std::int64_t last_seen_ms`.
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

 public:
  VisitorIndex() = default;
  // The links point into this index's own nodes.
  VisitorIndex(const VisitorIndex&) = delete;
  VisitorIndex& operator=(const VisitorIndex&) = delete;

  Value* find(const Key& key) {
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second.value;
  }

  // The entry for `key`, created when missing, moved to the newest end.
  std::pair<Value&, bool> touch(const Key& key) {
    auto [it, inserted] = map_.try_emplace(key);
    Node& node = *it;
    if (inserted) {
      link_newest(node);
    } else if (&node != newest_) {
      unlink(node);
      link_newest(node);
    }
    return {node.second.value, inserted};
  }

  void erase(const Key& key) {
    auto it = map_.find(key);
    if (it == map_.end()) return;
    unlink(*it);
    map_.erase(it);
  }

  // Removes entries last seen at or before `cutoff_ms`, oldest first,
  // handing each to `removed` before it goes.
  template <class OnRemove>
  std::size_t expire(std::int64_t cutoff_ms, OnRemove&& removed) {
    std::size_t count = 0;
    while (oldest_ != nullptr && oldest_->second.value.last_seen_ms <= cutoff_ms) {
      Node& node = *oldest_;
      removed(node.first, node.second.value);
      unlink(node);
      map_.erase(node.first);
      ++count;
    }
    return count;
  }

  // Calls visit(key, value), newest first.
  template <class Visit>
  void for_each_newest_first(Visit&& visit) const {
    for (const Node* node = newest_; node != nullptr; node = node->second.older) {
      visit(node->first, node->second.value);
    }
  }
  // The same, stopping at the first entry `visit` returns false for: the
  // recently active only, without walking everybody.
  template <class Visit>
  void for_each_newest_first_while(Visit&& visit) const {
    for (const Node* node = newest_; node != nullptr; node = node->second.older) {
      if (!visit(node->first, node->second.value)) return;
    }
  }

  std::size_t size() const { return map_.size(); }

 private:
  void link_newest(Node& node) {
    node.second.older = newest_;
    node.second.newer = nullptr;
    (newest_ ? newest_->second.newer : oldest_) = &node;
    newest_ = &node;
  }

  void unlink(Node& node) {
    Entry& entry = node.second;
    (entry.older ? entry.older->second.newer : oldest_) = entry.newer;
    (entry.newer ? entry.newer->second.older : newest_) = entry.older;
  }

  Map map_;
  Node* oldest_ = nullptr;
  Node* newest_ = nullptr;
};

}  // namespace onlooker
