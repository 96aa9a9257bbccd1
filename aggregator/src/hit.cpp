#include "hit.h"

namespace onlooker {

std::string_view to_string(HitKind kind) {
  switch (kind) {
    case HitKind::view: return "view";
    case HitKind::beat: return "beat";
    case HitKind::leave: return "leave";
  }
  return "unknown";
}

std::string to_hex(const VisitorId& id) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(id.size() * 2, '0');
  for (std::size_t i = 0; i < id.size(); ++i) {
    out[2 * i] = digits[id[i] >> 4];
    out[2 * i + 1] = digits[id[i] & 0xF];
  }
  return out;
}

}  // namespace onlooker
