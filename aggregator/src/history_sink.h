// Where the drain loop sends history. SQLite is the one sink today; a
// ClickHouse or PostgreSQL sink would implement the same two calls.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "hit.h"

namespace onlooker {

// The next ring position to read, in one ring generation. Stored with the
// rows it covers, so that rows and position can never disagree.
struct RingPosition {
  std::uint64_t generation = 0;
  std::uint64_t next_seq = 0;
  friend bool operator==(const RingPosition&, const RingPosition&) = default;
};

class HistorySink {
 public:
  virtual ~HistorySink() = default;
  // The position stored by the last successful commit, if any.
  virtual std::optional<RingPosition> committed_position() = 0;
  // Stores `hits` and `after` atomically: both or neither. Throws on failure
  // (the caller keeps the batch and tries again).
  virtual void commit(std::span<const Hit> hits, const RingPosition& after) = 0;
};

}  // namespace onlooker
