// The live set: visitors seen within the active window, with the page each
// is on and what enrichment knows of them. Updated one hit at a time;
// expiry is O(1) amortised per hit because visitors are kept in order of
// last activity (a hit moves its visitor to the back of the list; expiry
// pops from the front).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hit.h"
#include "visitor_index.h"

namespace onlooker {

struct LiveVisitor {
  std::string id;  // hex
  std::string host;
  std::string path;
  std::string referrer;
  std::string country_code;
  std::string country_name;
  std::string city;
  std::string device;
  std::string browser;
  std::string os;
  std::int64_t first_seen_ms = 0;
  std::int64_t last_seen_ms = 0;
  bool bot = false;
};

// One entry of a top-N list: `key` is what is counted (a path, a device
// name...), `detail` what goes with it (a country's name, a city's country).
struct Count {
  std::string key;
  std::string detail;
  std::int64_t viewers = 0;
};

struct LiveSnapshot {
  std::int64_t ts_ms = 0;
  std::int64_t active = 0;  // people: bots are never counted here
  std::int64_t bots = 0;
  std::vector<Count> pages;      // most viewers first
  std::vector<Count> countries;  // key: ISO code, detail: English name
  std::vector<Count> cities;     // key: city, detail: country ISO code
  std::vector<Count> devices;
  std::vector<Count> browsers;
  std::vector<Count> os;
  std::vector<Count> referrers;
  std::vector<LiveVisitor> visitors;  // people, most recently seen first
};

class LiveSet {
 public:
  explicit LiveSet(std::int64_t active_window_ms) : window_ms_(active_window_ms) {}

  // Returns true when the set changed in a way a snapshot shows.
  bool apply(const Hit& hit);
  // Removes visitors not seen since now_ms - window; returns how many.
  std::size_t expire(std::int64_t now_ms);

  std::size_t size() const { return visitors_.size(); }
  // People (not bots) on `host`, or on every host when it is empty. O(1).
  std::int64_t people(std::string_view host = {}) const;
  // The hosts that have had visitors since start (for per-host series).
  std::vector<std::string> hosts() const;

  LiveSnapshot snapshot(std::int64_t now_ms, std::string_view host = {},
                        std::size_t top_n = 10, std::size_t max_visitors = 100) const;

 private:
  void count(const LiveVisitor& visitor, int delta);

  std::int64_t window_ms_;
  VisitorIndex<LiveVisitor> visitors_;
  std::int64_t people_ = 0;
  std::unordered_map<std::string, std::int64_t> people_per_host_;
};

}  // namespace onlooker
