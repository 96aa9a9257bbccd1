// Client address -> country and city, from MaxMind-format (.mmdb) databases.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hit.h"
#include "lru_cache.h"

namespace onlooker {

struct GeoResult {
  std::string country_code;  // ISO 3166-1 alpha-2, e.g. "GB"
  std::string country_name;  // English; empty when the database has no names (DB-IP via npm)
  std::string city;          // English; empty when unknown
  std::optional<double> latitude;
  std::optional<double> longitude;

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
  explicit GeoLocator(const std::string& path,
                      std::size_t cache_capacity = default_cache_capacity);
  explicit GeoLocator(const std::vector<std::string>& paths,
                      std::size_t cache_capacity = default_cache_capacity);
  ~GeoLocator();

  GeoLocator(const GeoLocator&) = delete;
  GeoLocator& operator=(const GeoLocator&) = delete;

  // nullptr for an empty path (geolocation switched off); throws like the
  // constructor otherwise.
  static std::unique_ptr<GeoLocator> open_optional(const std::string& path);

  // nullopt for family 0, for addresses no database covers, and for lookup
  // errors (a corrupt record must not stop the drain loop).
  std::optional<GeoResult> lookup(const ClientAddress& address);

  std::size_t cached_addresses() const { return cache_.size(); }

 private:
  // Family byte followed by the 16 address bytes (IPv4: first 4, rest zero).
  using AddressKey = std::array<std::uint8_t, 17>;
  struct AddressKeyHash {
    std::size_t operator()(const AddressKey& key) const noexcept;
  };

  std::optional<GeoResult> lookup_uncached(const ClientAddress& address) const;

  std::vector<std::unique_ptr<MmdbDatabase>> databases_;
  LruCache<AddressKey, std::optional<GeoResult>, AddressKeyHash> cache_;
};

}  // namespace onlooker
