// Turns the bytes of a ring slot into a Hit. The slot is written by another
// process, so every length is checked before it is trusted.
#pragma once

#include <optional>

#include "hit.h"
#include "onlooker_ring.h"

namespace onlooker {

// Returns nothing when the record is not a well-formed record of position
// `expected_seq` in ring generation `generation` (a torn or foreign write).
// The hit's texts are copies but its User-Agent, which views `record`: it
// is valid while the slot is (until it is freed).
std::optional<Hit> decode_record(const onlooker_record& record, std::uint64_t generation,
                                 std::uint64_t expected_seq);

}  // namespace onlooker
