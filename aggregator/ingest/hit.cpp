#include "hit.h"

namespace onlooker {

std::string_view to_string(HitKind kind) {
  switch (kind) {
    case HitKind::view: return "view";
    case HitKind::beat: return "beat";
    case HitKind::leave: return "leave";
    case HitKind::hide: return "hide";
    case HitKind::show: return "show";
    case HitKind::error: return "error";
  }
  return "unknown";
}

bool from_string(std::string_view text, HitKind& kind) {
  for (const HitKind candidate : {HitKind::view, HitKind::beat, HitKind::leave, HitKind::hide,
                                    HitKind::show}) {
    if (text == to_string(candidate)) {
      kind = candidate;
      return true;
    }
  }
  return false;
}

VisitorHex to_hex_digits(const VisitorId& id) {
  static constexpr char digits[] = "0123456789abcdef";
  VisitorHex out;
  for (std::size_t i = 0; i < id.size(); ++i) {
    out[2 * i] = digits[id[i] >> 4];
    out[2 * i + 1] = digits[id[i] & 0xF];
  }
  return out;
}

std::string to_hex(const VisitorId& id) {
  const VisitorHex digits = to_hex_digits(id);
  return std::string(digits.data(), digits.size());
}

bool from_hex(std::string_view hex, VisitorId& id) {
  if (hex.size() != id.size() * 2) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < id.size(); ++i) {
    const int high = nibble(hex[2 * i]);
    const int low = nibble(hex[2 * i + 1]);
    if (high < 0 || low < 0) return false;
    id[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  return true;
}

}  // namespace onlooker
