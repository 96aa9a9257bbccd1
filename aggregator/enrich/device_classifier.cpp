#include "device_classifier.h"

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>

#include "uap_parser_list.h"

namespace onlooker {

namespace {

// Fields taken from each list, with uap-core's defaults (family = group 1;
// a device's brand has no default, its model defaults to group 1).
constexpr std::array<UapField, 1> browser_fields{{{"family_replacement", 1}}};
constexpr std::array<UapField, 1> os_fields{{{"os_replacement", 1}}};
constexpr std::array<UapField, 3> device_fields{
    {{"device_replacement", 1}, {"brand_replacement", 0}, {"model_replacement", 1}}};

// User-Agents longer than this are classified but not cached, so that a
// client sending huge headers cannot make the cache hold megabytes.
constexpr std::size_t max_cached_user_agent = 1024;

// `source` is a stream or the text itself, `name` what to call it in errors.
template <typename Source>
YAML::Node parse_yaml(Source&& source, const std::string& name) {
  try {
    return YAML::Load(source);
  } catch (const YAML::Exception& error) {
    throw std::runtime_error("cannot parse User-Agent regexes \"" + name + "\": " + error.what());
  }
}

YAML::Node load_yaml(const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    throw std::runtime_error("cannot open User-Agent regexes \"" + path +
                             "\": " + std::strerror(errno));
  }
  return parse_yaml(file, path);
}

std::unique_ptr<UapParserList> load_list(const YAML::Node& root, const char* section,
                                         std::span<const UapField> fields,
                                         const std::string& path) {
  if (!root.IsMap() || !root[section]) {
    throw std::runtime_error("User-Agent regexes \"" + path + "\" have no \"" + section +
                             "\" section (not a uap-core regexes.yaml?)");
  }
  return std::make_unique<UapParserList>(root[section], fields, section);
}

std::string or_other(std::string name) { return name.empty() ? "Other" : name; }

// Automated clients uap-core leaves as a plain family: HTTP libraries and
// command-line tools (they name themselves first), headless browsers,
// link-preview fetchers, and self-declared crawlers. The keyword rule is
// case-sensitive so that phone brands such as "CUBOT" stay phones.
const RE2& automated_client_pattern() {
  static const RE2 pattern(
      R"(^(?:curl|[Ww]get|[Pp]ython|Go-http-client|Java/|okhttp|libwww-perl|HTTPie|axios|)"
      R"(node-fetch|undici|Scrapy|aiohttp|Apache-HttpClient|Ruby|PHP|Guzzle))"
      R"(|HeadlessChrome|PhantomJS|facebookexternalhit|Slackbot|Twitterbot|WhatsApp/)"
      R"(|[a-z]bot\b|Bot[/; )]|[Cc]rawler|[Ss]pider|Slurp)");
  return pattern;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// uap-core's device fields: family ("iPad", "Spider", "Pixel 8"), brand
// ("Apple", "Generic_Android_Tablet") and model ("iPad", "Tablet").
struct UapDevice {
  std::string_view family, brand, model;
};

bool is_tablet(std::string_view ua, const UapDevice& device) {
  if (device.family.starts_with("iPad") || device.family.starts_with("Kindle") ||
      device.brand == "Generic_Android_Tablet" || contains(device.model, "Tablet")) {
    return true;
  }
  if (contains(ua, "iPad") || contains(ua, "Tablet") || contains(ua, "Kindle") ||
      contains(ua, "Silk/") || contains(ua, "PlayBook")) {
    return true;
  }
  // Android phones say "Mobile"; Android tablets do not (Google's guidance to
  // browser makers). TVs and streaming sticks run Android too.
  return contains(ua, "Android") && !contains(ua, "Mobile") && !contains(ua, "TV") &&
         !contains(ua, "CrKey") && !contains(ua, "AFT");
}

bool is_phone(std::string_view ua, std::string_view os, const UapDevice& device) {
  if (device.family.starts_with("iPhone") || device.family.starts_with("iPod") ||
      device.model == "Smartphone" || device.model == "Feature Phone") {
    return true;
  }
  return contains(ua, "Mobi") || contains(ua, "iPhone") || contains(ua, "iPod") ||
         contains(ua, "Windows Phone") || contains(ua, "Opera Mini") ||
         contains(ua, "J2ME/MIDP") || os == "iOS" || os == "Android" ||
         os == "BlackBerry OS" || os == "KaiOS" || os == "Symbian OS";
}

bool is_desktop_os(std::string_view os) {
  static constexpr std::string_view desktop_systems[] = {
      "Windows", "Mac OS X", "Chrome OS", "Linux",   "Ubuntu",     "Fedora",  "Debian",
      "FreeBSD", "OpenBSD",  "NetBSD",    "openSUSE", "Linux Mint", "Gentoo", "Arch Linux",
      "Red Hat", "CentOS",   "Kubuntu",   "Mageia",  "Slackware",  "Solaris"};
  for (const auto system : desktop_systems) {
    if (os == system) return true;
  }
  return false;
}

// Order matters: crawlers imitate phones, and iPads say "Mobile".
std::string device_class_of(std::string_view ua, std::string_view browser, std::string_view os,
                            const UapDevice& device) {
  if (device.family == "Spider" || browser == "Spider" ||
      RE2::PartialMatch(re2::StringPiece(ua.data(), ua.size()), automated_client_pattern())) {
    return "bot";
  }
  if (is_tablet(ua, device)) return "tablet";
  if (is_phone(ua, os, device)) return "mobile";
  // A desktop system alone is not enough: tools without a browser family
  // (feed readers, monitoring) are "other".
  if (is_desktop_os(os) && browser != "Other") return "desktop";
  return "other";
}

}  // namespace

DeviceClassifier::DeviceClassifier(const std::string& regexes_yaml_path,
                                   std::size_t cache_capacity)
    : DeviceClassifier(load_yaml(regexes_yaml_path), regexes_yaml_path, cache_capacity) {}

std::unique_ptr<DeviceClassifier> DeviceClassifier::from_text(std::string_view regexes_yaml,
                                                              const std::string& name,
                                                              std::size_t cache_capacity) {
  const YAML::Node root = parse_yaml(std::string(regexes_yaml), name);
  return std::unique_ptr<DeviceClassifier>(new DeviceClassifier(root, name, cache_capacity));
}

DeviceClassifier::DeviceClassifier(const YAML::Node& root, const std::string& name,
                                   std::size_t cache_capacity)
    : cache_(cache_capacity) {
  browsers_ = load_list(root, "user_agent_parsers", browser_fields, name);
  systems_ = load_list(root, "os_parsers", os_fields, name);
  devices_ = load_list(root, "device_parsers", device_fields, name);
}

DeviceClassifier::~DeviceClassifier() = default;

std::size_t DeviceClassifier::skipped_patterns() const {
  return browsers_->skipped_patterns() + systems_->skipped_patterns() +
         devices_->skipped_patterns();
}

std::size_t DeviceClassifier::pattern_count() const {
  return browsers_->rule_count() + systems_->rule_count() + devices_->rule_count();
}

Device DeviceClassifier::classify(std::string_view user_agent) {
  if (user_agent.size() > max_cached_user_agent) return classify_uncached(user_agent);
  if (const auto* cached = cache_.find(user_agent)) return *cached;
  Device device = classify_uncached(user_agent);
  cache_.insert(std::string(user_agent), device);
  return device;
}

Device DeviceClassifier::classify_uncached(std::string_view user_agent) const {
  const auto browser = browsers_->first_match(user_agent);
  const auto os = systems_->first_match(user_agent);
  const auto device = devices_->first_match(user_agent);
  Device result{.device_class = {},
                .browser = or_other(browser ? (*browser)[0] : std::string()),
                .os = or_other(os ? (*os)[0] : std::string())};
  const UapFields no_device;
  const UapFields& device_fields = device ? *device : no_device;
  result.device_class = device_class_of(
      user_agent, result.browser, result.os,
      UapDevice{.family = device_fields[0], .brand = device_fields[1], .model = device_fields[2]});
  return result;
}

}  // namespace onlooker
