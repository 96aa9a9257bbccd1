// A hit as the live set's tests feed it: one person (every byte of the
// visitor id is `who`), one page, one time; enrichment left empty.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "hit.h"

namespace onlooker::test {

inline Hit hit(std::uint8_t who, std::string path, std::int64_t ts,
                    HitKind kind = HitKind::view, std::string host = "a.example") {
  Hit h;
  h.visitor.fill(who);
  h.path = std::move(path);
  h.ts_ms = ts;
  h.kind = kind;
  h.host = std::move(host);
  return h;
}

}  // namespace onlooker::test
