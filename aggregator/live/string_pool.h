// Interned strings with reference counts: each distinct text is stored
// once and named by a 4-byte handle. The live set holds a handle per field
// per visitor instead of a string, so a million visitors on a few hundred
// pages hold a few hundred copies of the page paths. A text is freed when
// its last holder releases it, so distinct values sent by clients (made-up
// paths, referrers) cost memory only while someone holding them is live.
// Not thread-safe: owned by one live set and used on its thread.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace onlooker {

class StringPool {
 public:
  using Handle = std::uint32_t;
  // The empty string: always present, never counted, so unknown values
  // (no referrer, no city) cost no lookup.
  static constexpr Handle empty = 0;

  StringPool();
  StringPool(const StringPool&) = delete;
  StringPool& operator=(const StringPool&) = delete;

  // The handle for `text`, adding one reference (and the text, if new).
  Handle intern(std::string_view text);
  // One more reference to a handle already held.
  void retain(Handle handle);
  // Drops one reference; the text goes with the last one.
  void release(Handle handle);

  // The handle for `text` if it is held, without adding a reference.
  std::optional<Handle> find(std::string_view text) const;
  // Valid while the handle is held.
  std::string_view text(Handle handle) const { return slots_[handle].text; }

  // Distinct texts held, the empty string included.
  std::size_t size() const { return index_.size() + 1; }

 private:
  struct Slot {
    std::string text;
    std::uint32_t references = 0;
  };

  // A deque so that growing never moves a slot: `index_` keys are views of
  // slot texts, and a short string's characters live inside its slot.
  std::deque<Slot> slots_;
  std::vector<Handle> free_slots_;
  std::unordered_map<std::string_view, Handle> index_;
};

}  // namespace onlooker
