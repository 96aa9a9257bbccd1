// The "nodes" list of the snapshot: for each onlookerd heard on the cluster
// link (this one included), its live visitors (people whose latest hit, by
// its time, came through it), hits per second over the last 10 s, and when it was last
// heard. I/O thread only.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "active_windows.h"
#include "hit.h"

namespace onlooker {

struct NodeStatus {
  std::string node;
  std::int64_t live = 0;
  double hits_per_second = 0;
  std::int64_t last_heard_ms = 0;  // unix ms of its last entry (or local batch)
  bool up = false;                 // heard within the last few seconds
};

class NodeTable {
 public:
  explicit NodeTable(std::int64_t active_window_ms)
      : NodeTable(ActiveWindows(std::chrono::milliseconds(active_window_ms))) {}
  explicit NodeTable(ActiveWindows windows) : windows_(std::move(windows)) {}

  void heard(const std::string& node, const std::vector<Hit>& hits, std::int64_t now_ms);
  // Visitors gone quiet for their host's active window; nodes silent for
  // the longest window. True when a node came, went, or went up or down
  // since the last call: the snapshot must say so even if no visitor changed.
  bool expire(std::int64_t now_ms);
  std::vector<NodeStatus> list(std::int64_t now_ms) const;

 private:
  static constexpr std::size_t rate_seconds = 10;
  struct Node {
    std::int64_t last_heard_ms = 0;
    std::int64_t live = 0;
    std::array<std::uint64_t, rate_seconds> per_second{};
    std::int64_t last_second = 0;
  };
  struct Seen {
    Node* node;
    std::int64_t last_ms;
    std::int64_t window_ms;  // of the host of its latest hit
    std::int64_t hit_ms;     // time of its latest hit (on this node's clock)
  };

  ActiveWindows windows_;
  std::map<std::string, Node> nodes_;  // stable addresses: Seen points into it
  absl::flat_hash_map<VisitorId, Seen> visitors_;
  std::map<std::string, bool> reported_up_;  // as of the last expire()
};

}  // namespace onlooker
