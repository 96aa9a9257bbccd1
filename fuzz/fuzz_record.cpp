// Ring slot bytes -> decode_record -> live set -> snapshot JSON. The slot is
// written by another process: no byte pattern may crash onlookerd. Also
// checks the producer's UTF-8-safe truncation on arbitrary text.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "live_set.h"
#include "onlooker_ring.h"
#include "record_decoder.h"
#include "snapshot_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  alignas(8) std::uint8_t slot[ONLOOKER_SLOT_SIZE - 8] = {};
  std::memcpy(slot, data, std::min(size, sizeof slot));
  const auto& record = *reinterpret_cast<const onlooker_record*>(slot);
  if (auto hit = onlooker::decode_record(record, record.generation, record.seq)) {
    onlooker::LiveSet live(300'000);
    live.apply(*hit);
    const auto json = onlooker::snapshot_json(live.snapshot(hit->ts_ms), {}, true);
    if (json.empty()) __builtin_trap();
  }

  // The producer side: any text, any cap, stays within the cap and never
  // ends inside a UTF-8 sequence that was complete in the input.
  if (size > 0) {
    alignas(8) std::uint8_t out[ONLOOKER_SLOT_SIZE - 8] = {};
    auto* rec = reinterpret_cast<onlooker_record*>(out);
    std::size_t used = 0;
    const std::size_t cap = 1 + data[0] % ONLOOKER_UA_MAX;
    const auto len = onlooker_record_put_text(rec, &used, data + 1, size - 1, cap);
    if (len > cap || used != len || std::memcmp(rec->text, data + 1, len) != 0) __builtin_trap();
  }
  return 0;
}
