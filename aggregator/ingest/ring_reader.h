// The consumer's side of the ring: maps the file nginx created, checks it,
// and gives the drain loop positional access to slots. Only one RingReader
// may consume a ring at a time (onlookerd holds a lock on the file to ensure it).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "onlooker_ring.h"

namespace onlooker {

class RingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RingCounters {
  std::uint64_t written = 0;  // positions claimed by producers (head)
  std::uint64_t consumed = 0; // positions freed by the consumer (tail)
  std::uint64_t dropped = 0;  // records not written because the ring was full
  std::uint64_t torn = 0;     // claimed slots never published, skipped
  std::uint64_t beats_limited = 0;  // beats and leaves the module's per-visitor limit refused
  std::uint64_t capacity = 0;
};

enum class SlotState { empty, ready, pending, freed };

class RingReader {
 public:
  // Throws RingError, with a message meant for the operator, when the file is
  // missing, not a ring, of another layout version, or already consumed by
  // another onlookerd.
  explicit RingReader(const std::string& path);
  ~RingReader();
  RingReader(const RingReader&) = delete;
  RingReader& operator=(const RingReader&) = delete;

  std::uint64_t generation() const { return header_->generation; }
  std::uint64_t capacity() const { return header_->capacity; }
  std::uint64_t tail() const;
  std::uint64_t head() const;
  RingCounters counters() const;

  SlotState state(std::uint64_t pos) const;
  // Valid only while state(pos) == ready and until free_until() passes pos.
  const onlooker_record& record(std::uint64_t pos) const;
  // Frees every position in [tail(), end): they become writable again, and
  // the client address of each record in them is zeroed.
  void free_until(std::uint64_t end);
  // Skips a slot stuck in `pending`; false when it was published meanwhile.
  bool skip_torn(std::uint64_t pos);

  // Tests read the day keys and counters through it.
  const onlooker_ring_header& header() const { return *header_; }
  // Where the cluster link installs the agreed day keys (onlooker_day_key.h).
  onlooker_ring_header& shared_header() { return *header_; }

 private:
  int fd_ = -1;
  onlooker_ring_header* header_ = nullptr;
  std::size_t mapped_ = 0;
};

}  // namespace onlooker
