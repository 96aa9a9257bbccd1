#include "hit_enricher.h"

#include "log.h"

namespace onlooker {

HitEnricher::HitEnricher(std::vector<std::string> geo_paths, const std::string& ua_regexes)
    : geo_paths_(std::move(geo_paths)) {
  if (!geo_paths_.empty()) geo_ = open_geo();
  if (!ua_regexes.empty()) devices_ = std::make_unique<DeviceClassifier>(ua_regexes);
}

std::unique_ptr<GeoLocator> HitEnricher::open_geo() const {
  return std::make_unique<GeoLocator>(geo_paths_, GeoLocator::default_cache_capacity,
                                      &country_names_);
}

void HitEnricher::reopen_geo() {
  if (geo_paths_.empty()) return;
  try {
    geo_ = open_geo();
    log::info("msg=\"geo database reopened\"");
  } catch (const std::exception& failure) {
    // Keep the database that works rather than lose geolocation.
    log::error(std::string("msg=\"cannot reopen geo database; keeping the old one\" error=\"") +
               failure.what() + "\"");
  }
}

void HitEnricher::enrich(Hit& hit) {
  if (reload_requested_.exchange(false, std::memory_order_relaxed)) reopen_geo();
  if (geo_) {
    if (const GeoResult* place = geo_->lookup(hit.address)) {
      hit.country_code = place->country_code;
      hit.country_name = place->country_name;
      hit.city = place->city;
    }
  }
  if (devices_) {
    Device device = devices_->classify(hit.user_agent);
    hit.device = std::move(device.device_class);
    hit.browser = std::move(device.browser);
    hit.os = std::move(device.os);
  }
}

}  // namespace onlooker
