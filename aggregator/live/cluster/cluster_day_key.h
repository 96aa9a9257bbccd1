// The visitor-hash key of a UTC day, agreed by every node through Redis:
// the first node to ask SETs a random one with NX (expiring after two days,
// so Redis forgets it once the day is over), every node GETs it and installs
// it in its ring header, where nginx's workers hash with it. Nothing writes
// it to disk or logs it; Redis holds it in memory for its day (docs/SECURITY.md).
#pragma once

#include <cstdint>

#include "onlooker_ring.h"

namespace onlooker {

class RedisConnection;

// Agrees the key of `day` (days since the epoch, UTC) and installs it in
// `ring`. True when the ring holds the cluster's key for that day.
bool agree_day_key(RedisConnection& redis, onlooker_ring_header& ring, std::uint64_t day);

}  // namespace onlooker
