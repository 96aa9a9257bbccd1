#include "keyed_hash.h"

#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "onlooker_siphash.h"

namespace onlooker {

KeyedHash::KeyedHash() {
  if (::getrandom(key_, sizeof key_, 0) != static_cast<ssize_t>(sizeof key_)) {
    throw std::runtime_error(std::string("getrandom() failed for a keyed hash: ") +
                             std::strerror(errno));
  }
}

std::uint64_t KeyedHash::operator()(std::span<const std::span<const std::uint8_t>> parts) const {
  onlooker_siphash sip;
  onlooker_siphash_init(&sip, key_);
  for (const auto part : parts) {
    const std::uint32_t length = static_cast<std::uint32_t>(part.size());
    onlooker_siphash_update(&sip, &length, sizeof length);
    onlooker_siphash_update(&sip, part.data(), part.size());
  }
  std::uint8_t out[16];
  onlooker_siphash_final(&sip, out);
  std::uint64_t value;
  std::memcpy(&value, out, sizeof value);
  return value;
}

std::array<std::uint8_t, 16> KeyedHash::wide(std::span<const std::uint8_t> bytes) const {
  onlooker_siphash sip;
  onlooker_siphash_init(&sip, key_);
  onlooker_siphash_update(&sip, bytes.data(), bytes.size());
  std::array<std::uint8_t, 16> out;
  onlooker_siphash_final(&sip, out.data());
  return out;
}

}  // namespace onlooker
