// ISO 3166-1 alpha-2 code -> English short name, from Debian's iso-codes
// (/usr/share/iso-codes/json/iso_3166-1.json). Geo databases without names
// (DB-IP Lite from npm carries codes only) get their names from here.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

namespace onlooker {

class CountryNames {
 public:
  static constexpr const char* default_path = "/usr/share/iso-codes/json/iso_3166-1.json";

  // A missing or unreadable file leaves the table empty (names stay empty).
  explicit CountryNames(const std::string& path = default_path);

  // The common name where iso-codes has one ("South Korea"), else its name.
  std::string_view name(std::string_view code) const;
  std::size_t size() const { return names_.size(); }

 private:
  std::unordered_map<std::string, std::string> names_;
};

}  // namespace onlooker
