// User-Agent -> device class, browser and operating system, using the
// uap-core regexes (npm package uap-core, regexes.yaml).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "lru_cache.h"

namespace onlooker {

struct Device {
  std::string device_class;  // desktop, mobile, tablet, bot or other
  std::string browser;       // uap family, e.g. "Chrome Mobile"; "Other" when unknown
  std::string os;            // uap family, e.g. "Android"; "Other" when unknown

  bool operator==(const Device&) const = default;
};

class UapParserList;
}  // namespace onlooker

namespace YAML {
class Node;
}  // namespace YAML

namespace onlooker {

// Not thread-safe (the cache is updated on every call): one instance per
// thread, e.g. owned by the drain loop. Construction compiles ~1200 regexes
// (about a second): do it once, off the threads that serve sockets.
class DeviceClassifier {
 public:
  static constexpr std::size_t default_cache_capacity = 10000;

  // Throws std::runtime_error naming the file when it cannot be read or is not
  // a uap-core regexes.yaml.
  explicit DeviceClassifier(const std::string& regexes_yaml_path,
                            std::size_t cache_capacity = default_cache_capacity);
  // The same from the file's text (e.g. builtin_uap::regexes_yaml()); `name`
  // says where it came from in error messages.
  static std::unique_ptr<DeviceClassifier> from_text(
      std::string_view regexes_yaml, const std::string& name,
      std::size_t cache_capacity = default_cache_capacity);
  ~DeviceClassifier();

  DeviceClassifier(const DeviceClassifier&) = delete;
  DeviceClassifier& operator=(const DeviceClassifier&) = delete;

  Device classify(std::string_view user_agent);

  // uap patterns RE2 cannot compile (lookarounds, backreferences): left out.
  std::size_t skipped_patterns() const;
  std::size_t pattern_count() const;  // compiled and in use
  std::size_t cached_user_agents() const { return cache_.size(); }

 private:
  DeviceClassifier(const YAML::Node& root, const std::string& name, std::size_t cache_capacity);

  Device classify_uncached(std::string_view user_agent) const;

  std::unique_ptr<UapParserList> browsers_;
  std::unique_ptr<UapParserList> systems_;
  std::unique_ptr<UapParserList> devices_;
  LruCache<std::string, Device> cache_;
};

}  // namespace onlooker
