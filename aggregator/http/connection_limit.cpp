#include "connection_limit.h"

namespace onlooker {

ConnectionSlot& ConnectionSlot::operator=(ConnectionSlot&& other) noexcept {
  if (this != &other) {
    if (owner_) --owner_->open_;
    owner_ = std::exchange(other.owner_, nullptr);
  }
  return *this;
}

ConnectionSlot::~ConnectionSlot() {
  if (owner_) --owner_->open_;
}

std::optional<ConnectionSlot> ConnectionLimit::try_acquire() {
  if (open_ >= max_) return std::nullopt;
  ++open_;
  return ConnectionSlot(this);
}

}  // namespace onlooker
