// A bounded least-recently-used map: enrichment results are cached per
// address and per User-Agent, and visitors repeat both, but an unbounded map
// would grow with every scanner that walks the address space.
#pragma once

#include <absl/container/node_hash_map.h>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace onlooker {

// Hash and equality the cache's map uses: absl's own for most keys; for
// std::string, ones that also take a std::string_view (Debian's absl has its
// own string_view type, so its string hash does not).
template <class Key>
struct LruKeyTraits {
  using Hash = absl::Hash<Key>;
  using Equal = std::equal_to<Key>;
};
template <>
struct LruKeyTraits<std::string> {
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const { return absl::Hash<std::string_view>{}(key); }
  };
  struct Equal {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a == b; }
  };
};

// One node per entry, holding the value and its place in the recency list
// (absl's nodes never move), so a hit costs one hash probe and relinking two
// pointers, and a lookup by a view of the key (a string_view for a
// std::string key) allocates nothing. Not thread-safe: every lookup reorders
// the recency list.
template <class Key, class Value>
class LruCache {
 public:
  explicit LruCache(std::size_t capacity) : capacity_(capacity) { index_.reserve(capacity); }

  LruCache(const LruCache&) = delete;
  LruCache& operator=(const LruCache&) = delete;

  // The cached value, now the most recently used; nullptr when absent. The
  // pointer is valid until the next insert. `key` may be anything the map's
  // hash takes for a Key (a string_view for std::string).
  template <class LookupKey>
  const Value* find(const LookupKey& key) {
    const auto found = index_.find(key);
    if (found == index_.end()) return nullptr;
    Node& node = found->second;
    move_to_front(node);
    return &node.value;
  }

  // Inserts or replaces; evicts the least recently used entry when full.
  // Returns the value as stored (like find), nullptr with capacity 0.
  const Value* insert(Key key, Value value) {
    if (capacity_ == 0) return nullptr;
    if (const auto found = index_.find(key); found != index_.end()) {
      found->second.value = std::move(value);
      move_to_front(found->second);
      return &found->second.value;
    }
    if (index_.size() == capacity_) {
      Node* oldest = static_cast<Node*>(sentinel_.prev);
      unlink(*oldest);
      index_.erase(*oldest->key);
    }
    auto [at, created] = index_.try_emplace(std::move(key));
    Node& node = at->second;
    node.value = std::move(value);
    node.key = &at->first;
    link_front(node);
    return &node.value;
  }

  std::size_t size() const { return index_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  struct Links {
    Links* prev = this;
    Links* next = this;
  };
  struct Node : Links {
    Value value{};
    const Key* key = nullptr;  // the map's own copy, for eviction
  };

  void unlink(Links& node) {
    node.prev->next = node.next;
    node.next->prev = node.prev;
  }
  void link_front(Links& node) {
    node.prev = &sentinel_;
    node.next = sentinel_.next;
    sentinel_.next->prev = &node;
    sentinel_.next = &node;
  }
  void move_to_front(Links& node) {
    if (sentinel_.next == &node) return;
    unlink(node);
    link_front(node);
  }

  std::size_t capacity_;
  Links sentinel_;  // sentinel_.next: most recently used; sentinel_.prev: least
  absl::node_hash_map<Key, Node, typename LruKeyTraits<Key>::Hash,
                      typename LruKeyTraits<Key>::Equal>
      index_;
};

}  // namespace onlooker
