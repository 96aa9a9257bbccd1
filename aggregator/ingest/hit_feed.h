// Where the drain loop sends hits for the live view. Today the in-process
// LiveHub; a pub/sub publisher (Redis, NATS) for several nginx nodes would
// implement the same call.
#pragma once

#include <memory>
#include <vector>

#include "hit.h"

namespace onlooker {

class HitFeed {
 public:
  virtual ~HitFeed() = default;
  // Called from the drain thread, once per hit, in ring order.
  // The hits are shared with the history batch they are committed in, not
  // copied: neither side changes them.
  virtual void publish(std::shared_ptr<const std::vector<Hit>> hits) = 0;
};

}  // namespace onlooker
