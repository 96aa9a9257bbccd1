// The JSON shape of a live snapshot, shared by GET /api/live and every
// WebSocket "snapshot" message.
#pragma once

#include <string>

#include "live_set.h"
#include "ring_reader.h"

namespace onlooker {

struct SnapshotContext {
  RingCounters ring;
  std::int64_t active_window_s = 0;
};

// `with_type` adds "type": "snapshot" (the WebSocket message). Bytes that
// are not UTF-8 (visitor-controlled paths, referrers) become U+FFFD.
std::string snapshot_json(const LiveSnapshot& snapshot, const SnapshotContext& context,
                          bool with_type);

}  // namespace onlooker
