// A keyed hash (SipHash-2-4, shared/onlooker_siphash.h, the same function
// the module hashes visitors with) under a key drawn at random when the
// process starts and never stored: what onlookerd groups visitors by (their
// address, their address with their User-Agent) without keeping the address
// itself. A value cannot be recomputed, nor an address guessed back from it,
// without the key, and the key dies with the process.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace onlooker {

class KeyedHash {
 public:
  KeyedHash();  // throws std::runtime_error if getrandom() fails

  // The hash of the parts, one after another (each prefixed by its length,
  // so that ("ab","c") and ("a","bc") differ).
  std::uint64_t operator()(std::span<const std::span<const std::uint8_t>> parts) const;
  // All 128 bits of the hash of `bytes`, e.g. as a cache key.
  std::array<std::uint8_t, 16> wide(std::span<const std::uint8_t> bytes) const;

 private:
  std::uint64_t key_[2];
};

}  // namespace onlooker
