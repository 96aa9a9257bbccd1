#include "ring_reader.h"

#include "sole_owner_lock.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace onlooker {
namespace {

std::string errno_text() { return std::strerror(errno); }

}  // namespace

RingReader::RingReader(const std::string& path) {
  fd_ = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd_ < 0) {
    throw RingError("cannot open ring " + path + ": " + errno_text() +
                    " (nginx creates it from `onlooker_zone`; is nginx started, and "
                    "does onlookerd run as the user that owns the file?)");
  }
  // One consumer per ring: a second onlookerd would free slots under the first.
  if (!take_sole_owner_lock(fd_)) {
    ::close(fd_);
    throw RingError("ring " + path + " is already drained by another onlookerd");
  }
  struct stat st {};
  onlooker_ring_header found{};
  const bool readable = ::fstat(fd_, &st) == 0 &&
                        st.st_size >= static_cast<off_t>(sizeof found) &&
                        ::pread(fd_, &found, sizeof found, 0) == static_cast<ssize_t>(sizeof found);
  const onlooker_ring_fault fault =
      readable ? onlooker_ring_check(&found, static_cast<std::uint64_t>(st.st_size))
               : ONLOOKER_RING_NOT_A_RING;
  if (fault != ONLOOKER_RING_OK) ::close(fd_);
  switch (fault) {
    case ONLOOKER_RING_OK: break;
    case ONLOOKER_RING_NOT_A_RING:
      throw RingError(path + " is not an onlooker ring (bad size or magic number)");
    case ONLOOKER_RING_OTHER_LAYOUT:
      throw RingError(path + " holds a ring of layout version " +
                      std::to_string(found.layout_version) + ", this onlookerd reads version " +
                      std::to_string(ONLOOKER_RING_LAYOUT_VERSION) +
                      "; upgrade nginx's module and onlookerd together");
    case ONLOOKER_RING_BAD_SIZE:
      throw RingError(path + " has a corrupt header (capacity " + std::to_string(found.capacity) +
                      ", file size " + std::to_string(st.st_size) + ")");
  }
  mapped_ = static_cast<std::size_t>(st.st_size);
  void* map = ::mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
  if (map == MAP_FAILED) {
    ::close(fd_);
    throw RingError("cannot map ring " + path + ": " + errno_text());
  }
  header_ = static_cast<onlooker_ring_header*>(map);
}

RingReader::~RingReader() {
  ::munmap(header_, mapped_);
  ::close(fd_);  // drops the consumer lock too
}

std::uint64_t RingReader::tail() const {
  return __atomic_load_n(&header_->tail, __ATOMIC_ACQUIRE);
}

std::uint64_t RingReader::head() const {
  return __atomic_load_n(&header_->head, __ATOMIC_ACQUIRE);
}

RingCounters RingReader::counters() const {
  return RingCounters{
      .written = head(),
      .consumed = tail(),
      .dropped = __atomic_load_n(&header_->dropped, __ATOMIC_RELAXED),
      .torn = __atomic_load_n(&header_->torn, __ATOMIC_RELAXED),
      .beats_limited = __atomic_load_n(&header_->beats_limited, __ATOMIC_RELAXED),
      .capacity = header_->capacity,
  };
}

SlotState RingReader::state(std::uint64_t pos) const {
  switch (onlooker_ring_peek(header_, pos)) {
    case ONLOOKER_SLOT_READY: return SlotState::ready;
    case ONLOOKER_SLOT_PENDING: return SlotState::pending;
    case ONLOOKER_SLOT_FREED: return SlotState::freed;
    case ONLOOKER_SLOT_EMPTY: break;
  }
  return SlotState::empty;
}

const onlooker_record& RingReader::record(std::uint64_t pos) const {
  return onlooker_ring_slot(header_, pos)->record;
}

void RingReader::free_until(std::uint64_t end) {
  for (std::uint64_t pos = tail(); pos < end; ++pos) onlooker_ring_free(header_, pos);
}

bool RingReader::skip_torn(std::uint64_t pos) { return onlooker_ring_skip_torn(header_, pos) != 0; }

}  // namespace onlooker
