// Where the drain loop sends hits for the live view. Today the in-process
// LiveHub; a pub/sub publisher (Redis, NATS) for several nginx nodes would
// implement the same call.
#pragma once

#include <vector>

#include "hit.h"

namespace onlooker {

class HitFeed {
 public:
  virtual ~HitFeed() = default;
  // Called from the drain thread, once per hit, in ring order.
  virtual void publish(std::vector<Hit> hits) = 0;
};

}  // namespace onlooker
