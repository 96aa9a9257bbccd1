// The JSON shape of a live snapshot, shared by GET /api/live and every
// WebSocket "snapshot" message.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "alert_notice.h"
#include "live_set.h"
#include "node_table.h"
#include "ring_reader.h"

namespace onlooker {

// Active people once a second, oldest first, ending at `start_s` +
// size - 1 (unix seconds).
struct Series {
  std::int64_t start_s = 0;
  std::vector<std::int64_t> active;
};

struct SnapshotContext {
  RingCounters ring;
  std::int64_t active_window_s = 0;
  Series series;
  // The ring's counters are every site's traffic: a site key's snapshot
  // has "ring": null.
  bool with_ring = true;
  std::vector<NodeStatus> nodes;
  std::string node;   // this one
  std::string link;   // the cluster link: "off" (no --cluster), "up", "down"
  std::string history;  // the history store: "up", "down" (unreachable, commits failing)
  // The --alert rules firing now; none for a site key (rules may watch
  // every site).
  std::vector<FiringAlert> alerts;
};

// `with_type` adds "type": "snapshot" (the WebSocket message). Bytes that
// are not UTF-8 (visitor-controlled paths, referrers) become U+FFFD.
std::string snapshot_json(const LiveSnapshot& snapshot, const SnapshotContext& context,
                          bool with_type);

// GET /api/journey's answer: one person's page views in their stay, oldest
// first, "live": true; for someone not on the site now (gone, or never
// there) "live": false and no steps. "engaged_ms" is null for every step:
// the visible time per page view is engagement's (issue 18) to fill in; the
// field is there for it.
std::string journey_json(const std::string& host, const std::string& id,
                         const LiveJourney* journey);

}  // namespace onlooker
