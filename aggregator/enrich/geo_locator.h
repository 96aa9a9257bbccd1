// Client address -> country and city, from MaxMind-format (.mmdb) databases.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "country_names.h"
#include "hit.h"
#include "keyed_hash.h"
#include "lru_cache.h"

namespace onlooker {

struct GeoResult {
  std::string country_code;  // ISO 3166-1 alpha-2, e.g. "GB"
  std::string country_name;  // English; empty when neither the database nor `names` has it
  std::string city;          // English; empty when unknown

  bool operator==(const GeoResult&) const = default;
};

class MmdbDatabase;

// Looks addresses up in one or more City databases, first hit wins. Two record
// layouts are understood (see geo_locator.cpp): GeoIP2/GeoLite2-City (and
// DB-IP's own GeoIP2-compatible files), and the flat layout of the
// @ip-location-db npm packages, which also split IPv4 and IPv6 into two files:
// pass both paths so that each address family finds its file.
//
// Not thread-safe (the cache is updated on every lookup): one instance per
// thread, e.g. owned by the drain loop.
class GeoLocator {
 public:
  static constexpr std::size_t default_cache_capacity = 65536;

  // Opens the database(s) memory-mapped; throws std::runtime_error naming the
  // file and the reason when one cannot be opened.
  // Caches the answers for `cache_capacity` addresses (at least one).
  // With `names`, a database that has no country names (DB-IP via npm) gets
  // them from there, once per cached address; `names` must outlive this.
  explicit GeoLocator(const std::string& path,
                      std::size_t cache_capacity = default_cache_capacity);
  explicit GeoLocator(const std::vector<std::string>& paths,
                      std::size_t cache_capacity = default_cache_capacity,
                      const CountryNames* names = nullptr);
  ~GeoLocator();

  GeoLocator(const GeoLocator&) = delete;
  GeoLocator& operator=(const GeoLocator&) = delete;

  // nullptr for an empty path (geolocation switched off); throws like the
  // constructor otherwise.
  static std::unique_ptr<GeoLocator> open_optional(const std::string& path);

  // nullptr for family 0, for addresses no database covers, and for lookup
  // errors (a corrupt record must not stop the drain loop). The result is
  // the cache's own: valid until the next lookup.
  const GeoResult* lookup(const ClientAddress& address);

  std::size_t cached_addresses() const { return cache_.size(); }

 private:
  // The cache is keyed by SipHash-2-4 (128 bits) of the family and address
  // under a key drawn from getrandom() for this process only: no raw address
  // stays in memory once its hit is enriched, and a key that is never stored
  // cannot be brute-forced back into addresses from a memory dump alone.
  using AddressKey = std::array<std::uint8_t, 16>;
  AddressKey cache_key(const ClientAddress& address) const;

  std::optional<GeoResult> lookup_uncached(const ClientAddress& address) const;

  std::vector<std::unique_ptr<MmdbDatabase>> databases_;
  const CountryNames* names_;
  KeyedHash address_hash_;
  // At least one entry: lookup() returns a pointer into it.
  LruCache<AddressKey, std::optional<GeoResult>> cache_;
};

}  // namespace onlooker
