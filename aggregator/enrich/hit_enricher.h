// The Enricher onlookerd runs: country and city from the client address
// (GeoLocator), device class, browser and OS from the User-Agent
// (DeviceClassifier), either part optional; a view's source from its
// referrer and campaign (SourceClassifier, always on: its list is built in). Runs on the drain thread;
// reload_geo() may be called from any thread (SIGHUP) and takes effect at
// the next hit.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "country_names.h"
#include "device_classifier.h"
#include "enricher.h"
#include "enrichment_sources.h"
#include "geo_locator.h"
#include "source_classifier.h"

namespace onlooker {

class HitEnricher final : public Enricher {
 public:
  // Throws std::runtime_error naming the file when a database or the regex
  // file cannot be loaded. Logs one line for each part: the files in use, or
  // that it is off.
  explicit HitEnricher(EnrichmentSources sources);

  void enrich(Hit& hit) override;
  void reload_geo() { reload_requested_.store(true, std::memory_order_relaxed); }

 private:
  std::unique_ptr<GeoLocator> open_geo() const;
  void reopen_geo();

  std::vector<std::string> geo_paths_;
  CountryNames country_names_;  // before geo_, which points to it
  std::unique_ptr<GeoLocator> geo_;
  std::unique_ptr<DeviceClassifier> devices_;
  const SourceClassifier& sources_;
  std::atomic<bool> reload_requested_{false};
};

}  // namespace onlooker
