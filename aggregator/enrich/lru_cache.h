// A bounded least-recently-used map: enrichment results are cached per
// address and per User-Agent, and visitors repeat both, but an unbounded map
// would grow with every scanner that walks the address space.
#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <unordered_map>
#include <utility>

namespace onlooker {

// Not thread-safe: every lookup reorders the recency list.
template <class Key, class Value, class Hash = std::hash<Key>>
class LruCache {
 public:
  explicit LruCache(std::size_t capacity) : capacity_(capacity) { index_.reserve(capacity); }

  LruCache(const LruCache&) = delete;
  LruCache& operator=(const LruCache&) = delete;

  // The cached value, now the most recently used; nullptr when absent. The
  // pointer is valid until the next insert.
  const Value* find(const Key& key) {
    auto found = index_.find(std::cref(key));
    if (found == index_.end()) return nullptr;
    entries_.splice(entries_.begin(), entries_, found->second);
    return &found->second->second;
  }

  // Inserts or replaces; evicts the least recently used entry when full.
  void insert(Key key, Value value) {
    if (capacity_ == 0) return;
    if (auto found = index_.find(std::cref(key)); found != index_.end()) {
      found->second->second = std::move(value);
      entries_.splice(entries_.begin(), entries_, found->second);
      return;
    }
    if (entries_.size() == capacity_) {
      index_.erase(std::cref(entries_.back().first));
      entries_.pop_back();
    }
    entries_.emplace_front(std::move(key), std::move(value));
    index_.emplace(std::cref(entries_.front().first), entries_.begin());
  }

  std::size_t size() const { return entries_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  using Entry = std::pair<Key, Value>;
  using KeyRef = std::reference_wrapper<const Key>;

  // The index refers to the key stored in the list node (list nodes never
  // move), so each key is held once.
  struct RefHash {
    std::size_t operator()(KeyRef key) const noexcept(noexcept(Hash{}(key.get()))) {
      return Hash{}(key.get());
    }
  };
  struct RefEqual {
    bool operator()(KeyRef a, KeyRef b) const { return a.get() == b.get(); }
  };

  std::size_t capacity_;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<KeyRef, typename std::list<Entry>::iterator, RefHash, RefEqual> index_;
};

}  // namespace onlooker
