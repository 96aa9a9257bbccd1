// The live set: visitors seen within the active window, with the page each
// is on. Updated one hit at a time; expiry is O(1) amortised per hit because
// visitors are kept in order of last activity (a hit moves its visitor to
// the back of the list; expiry pops from the front).
#pragma once

#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hit.h"

namespace onlooker {

struct PageCount {
  std::string path;
  std::int64_t viewers = 0;
};

struct LiveVisitor {
  std::string id;  // hex
  std::string host;
  std::string path;
  std::string referrer;
  std::int64_t first_seen_ms = 0;
  std::int64_t last_seen_ms = 0;
};

struct LiveSnapshot {
  std::int64_t ts_ms = 0;
  std::int64_t active = 0;
  std::vector<PageCount> pages;        // most viewers first
  std::vector<LiveVisitor> visitors;   // most recently seen first
};

class LiveSet {
 public:
  explicit LiveSet(std::int64_t active_window_ms) : window_ms_(active_window_ms) {}

  // Returns true when the set changed in a way a snapshot shows.
  bool apply(const Hit& hit);
  // Removes visitors not seen since now_ms - window; returns how many.
  std::size_t expire(std::int64_t now_ms);

  std::size_t size() const { return visitors_.size(); }
  // `host` empty: every site.
  LiveSnapshot snapshot(std::int64_t now_ms, std::string_view host = {},
                        std::size_t top_n = 10, std::size_t max_visitors = 100) const;

 private:
  struct Key {
    VisitorId visitor;
    std::string host;
    friend bool operator==(const Key&, const Key&) = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& key) const;
  };
  struct Entry;
  using Map = std::unordered_map<Key, Entry, KeyHash>;
  // Pointers to map elements stay valid across rehashing.
  using Recency = std::list<Map::value_type*>;
  struct Entry {
    LiveVisitor visitor;
    Recency::iterator position;
  };

  void remove(Map::iterator it);

  std::int64_t window_ms_;
  Map visitors_;
  Recency recency_;  // front: least recently seen
};

}  // namespace onlooker
