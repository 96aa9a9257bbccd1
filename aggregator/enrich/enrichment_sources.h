// Which data files onlookerd enriches hits with. A newcomer who starts it
// with only --ring and --db still gets device classes (uap-core's regexes are
// built in) and, when the onlooker-dbip-city package is installed, geo.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "options.h"

namespace onlooker {

struct UaRegexesSource {
  enum class Kind { none, builtin, file };
  Kind kind = Kind::builtin;
  std::string path;  // Kind::file only

  bool operator==(const UaRegexesSource&) const = default;
};

struct EnrichmentSources {
  std::vector<std::string> geo_paths;  // empty: no geo
  UaRegexesSource ua;
};

// The data package's directory (/usr/share/onlooker, ONLOOKER_DATA_DIR).
std::filesystem::path installed_data_dir();

// The geo databases onlooker-dbip-city installs under `data_dir` (dbip/, an
// IPv4 and an IPv6 file), those that exist.
std::vector<std::string> installed_geo_databases(const std::filesystem::path& data_dir);

// The flags resolved: what was named, "none" as off, and for a flag not
// given, the built-in regexes or the installed geo databases (found in
// `data_dir`).
EnrichmentSources enrichment_sources(const DataFiles& geoip, const DataFiles& ua_regexes,
                                     const std::filesystem::path& data_dir = installed_data_dir());

}  // namespace onlooker
