// Where the drain loop sends hits for the live view. Today the in-process
// LiveHub; a pub/sub publisher (Redis, NATS) for several nginx nodes would
// implement the same call.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "hit.h"

namespace onlooker {

// The error records (ring kind 4: tracked pages answered >= 500) of one read.
// They are no hits (not live, not history): only the alert counts take them.
struct ErrorRecords {
  std::uint64_t count = 0;
  std::int64_t newest_ts_ms = 0;  // nginx's time of the newest
};

class HitFeed {
 public:
  virtual ~HitFeed() = default;
  // Called from the drain thread, once per hit, in ring order.
  // The hits are shared with the history batch they are committed in, not
  // copied: neither side changes them.
  virtual void publish(std::shared_ptr<const std::vector<Hit>> hits) = 0;
  // Drain thread, after the read's publish(); only when it had errors. The
  // local counts already have them (RecentCounts): a feed that carries
  // them to other nodes (the cluster link) overrides this.
  virtual void publish_errors(ErrorRecords /*errors*/) {}
};

}  // namespace onlooker
