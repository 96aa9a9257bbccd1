// Request targets from the network: splitting, parameter decoding, and the
// /api/history parameter validation.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "history_api.h"
#include "query_string.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto target = onlooker::split_target(input);
  for (const char* name : {"host", "from", "to", "bucket", "p", "e"}) {
    (void)onlooker::query_param(target.query, name);
  }
  const auto decoded = onlooker::percent_decode(input);
  if (decoded.size() > input.size()) __builtin_trap();
  (void)onlooker::parse_history_request(target.query, 1'795'000'000'000);
  return 0;
}
