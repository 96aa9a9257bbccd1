// Each node's clock against Redis's, from the stream: an entry's id is
// Redis's time at XADD and its "t" the sender's latest hit time, so
// id - t = offset + delay, and the smallest sample over the last minute or
// two is the offset with the least delay. A remote hit's time, moved by
// (sender's offset - this node's), is on this node's own clock: per visitor,
// hits from a node whose clock is seconds off still order as they happened.
// The reader thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace onlooker {

class ClockOffsets {
 public:
  void sample(const std::string& node, std::int64_t offset_ms, std::int64_t now_ms) {
    auto [it, fresh] = offsets_.try_emplace(node, Offset{offset_ms, offset_ms, now_ms});
    Offset& offset = it->second;
    if (fresh) return;
    if (now_ms - offset.window_start_ms >= window_ms) {
      offset.previous = offset.best;
      offset.best = offset_ms;
      offset.window_start_ms = now_ms;
    } else {
      offset.best = std::min(offset.best, offset_ms);
    }
  }

  std::optional<std::int64_t> get(const std::string& node) const {
    const auto it = offsets_.find(node);
    if (it == offsets_.end()) return std::nullopt;
    return std::min(it->second.best, it->second.previous);
  }

 private:
  static constexpr std::int64_t window_ms = 60'000;
  struct Offset {
    std::int64_t best;
    std::int64_t previous;
    std::int64_t window_start_ms;
  };
  std::unordered_map<std::string, Offset> offsets_;
};

}  // namespace onlooker
