// Now, in unix milliseconds: the one wall clock the drain loop (visit
// expiry, retention), the live hub (expiry, snapshots) and the HTTP side
// (history defaults) read.
#pragma once

#include <chrono>
#include <cstdint>

namespace onlooker {

inline std::int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace onlooker
