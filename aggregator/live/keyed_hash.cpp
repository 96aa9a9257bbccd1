#include "keyed_hash.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <array>
#include <cstring>
#include <stdexcept>

namespace onlooker {

struct KeyedHash::State {
  EVP_MAC* mac = nullptr;
  // A context initialised with the key once; each hash starts from a copy
  // (cheaper than setting the key again).
  EVP_MAC_CTX* keyed = nullptr;
  ~State() {
    EVP_MAC_CTX_free(keyed);
    EVP_MAC_free(mac);
  }
};

KeyedHash::KeyedHash() : state_(std::make_unique<State>()) {
  std::array<unsigned char, 16> key{};
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
    throw std::runtime_error("no random key for the keyed hash");
  }
  state_->mac = EVP_MAC_fetch(nullptr, "SIPHASH", nullptr);
  if (state_->mac != nullptr) state_->keyed = EVP_MAC_CTX_new(state_->mac);
  unsigned int size = 8;
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_uint(OSSL_MAC_PARAM_SIZE, &size),
                               OSSL_PARAM_construct_end()};
  const bool ok = state_->keyed != nullptr &&
                  EVP_MAC_init(state_->keyed, key.data(), key.size(), params) == 1;
  OPENSSL_cleanse(key.data(), key.size());
  if (!ok) throw std::runtime_error("OpenSSL has no SipHash");
}

KeyedHash::~KeyedHash() = default;

std::uint64_t KeyedHash::operator()(std::span<const std::span<const std::uint8_t>> parts) const {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(state_->keyed);
  if (ctx == nullptr) throw std::runtime_error("keyed hash: out of memory");
  for (const auto part : parts) {
    const std::uint32_t length = static_cast<std::uint32_t>(part.size());
    EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(&length), sizeof length);
    EVP_MAC_update(ctx, part.data(), part.size());
  }
  std::array<unsigned char, 8> out{};
  std::size_t written = 0;
  EVP_MAC_final(ctx, out.data(), &written, out.size());
  EVP_MAC_CTX_free(ctx);
  std::uint64_t value;
  std::memcpy(&value, out.data(), sizeof value);
  return value;
}

}  // namespace onlooker
