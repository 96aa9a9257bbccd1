// Adds what the ring does not carry to each hit (country and city from the
// client address, device/browser/OS from the User-Agent) before the hit is
// published or stored. Called on the drain thread only.
#pragma once

#include "hit.h"

namespace onlooker {

class Enricher {
 public:
  virtual ~Enricher() = default;
  virtual void enrich(Hit& hit) = 0;
};

}  // namespace onlooker
