// --max-connections: how many client connections (HTTP and WebSocket) may
// be open at once. Each open connection holds a slot; past the limit the
// listener answers 503 and closes, so that public /ws?count sockets cannot
// use up onlookerd's file descriptors. I/O thread only: no locking.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>

namespace onlooker {

class ConnectionLimit;

// One open connection; gives its slot back when destroyed.
class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  explicit ConnectionSlot(ConnectionLimit* owner) : owner_(owner) {}
  ConnectionSlot(ConnectionSlot&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
  ConnectionSlot& operator=(ConnectionSlot&& other) noexcept;
  ~ConnectionSlot();

 private:
  ConnectionLimit* owner_ = nullptr;
};

class ConnectionLimit {
 public:
  explicit ConnectionLimit(std::size_t max) : max_(max) {}
  ConnectionLimit(const ConnectionLimit&) = delete;
  ConnectionLimit& operator=(const ConnectionLimit&) = delete;

  // A slot, or nothing when `max` connections are open.
  std::optional<ConnectionSlot> try_acquire();
  std::size_t open() const { return open_; }
  std::size_t max() const { return max_; }

  static constexpr std::size_t default_max = 16384;

 private:
  friend class ConnectionSlot;
  std::size_t max_;
  std::size_t open_ = 0;
};

}  // namespace onlooker
