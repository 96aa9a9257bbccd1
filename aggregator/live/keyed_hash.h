// A keyed 64-bit hash (SipHash-2-4, OpenSSL) under a key drawn at random
// when the process starts and never stored: what onlookerd groups visitors
// by (their address, their address with their User-Agent) without keeping
// the address itself. A value cannot be recomputed, nor an address guessed
// back from it, without the key, and the key dies with the process.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

namespace onlooker {

class KeyedHash {
 public:
  KeyedHash();  // throws std::runtime_error if OpenSSL cannot make one
  ~KeyedHash();
  KeyedHash(const KeyedHash&) = delete;
  KeyedHash& operator=(const KeyedHash&) = delete;

  // The hash of the parts, one after another (each prefixed by its length,
  // so that ("ab","c") and ("a","bc") differ).
  std::uint64_t operator()(std::span<const std::span<const std::uint8_t>> parts) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace onlooker
