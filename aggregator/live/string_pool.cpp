#include "string_pool.h"

#include <cassert>
#include <limits>

namespace onlooker {

StringPool::StringPool() : slots_(1) {}  // slot 0: the empty string

StringPool::Handle StringPool::intern(std::string_view text) {
  if (text.empty()) return empty;
  if (const auto it = index_.find(text); it != index_.end()) {
    ++slots_[it->second].references;
    return it->second;
  }
  Handle handle;
  if (free_slots_.empty()) {
    // Four billion distinct live strings would need far more memory than
    // the handles save; running out is not a practical concern.
    assert(slots_.size() < std::numeric_limits<Handle>::max());
    handle = static_cast<Handle>(slots_.size());
    slots_.emplace_back();
  } else {
    handle = free_slots_.back();
    free_slots_.pop_back();
  }
  Slot& slot = slots_[handle];
  slot.text.assign(text);
  slot.references = 1;
  index_.emplace(slot.text, handle);
  return handle;
}

void StringPool::retain(Handle handle) {
  if (handle != empty) ++slots_[handle].references;
}

void StringPool::release(Handle handle) {
  if (handle == empty) return;
  Slot& slot = slots_[handle];
  assert(slot.references > 0);
  if (--slot.references > 0) return;
  index_.erase(slot.text);
  // Give the characters back too, not just the slot: a burst of long
  // made-up paths must not stay allocated once its visitors are gone.
  std::string().swap(slot.text);
  free_slots_.push_back(handle);
}

std::optional<StringPool::Handle> StringPool::find(std::string_view text) const {
  if (text.empty()) return empty;
  const auto it = index_.find(text);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

}  // namespace onlooker
