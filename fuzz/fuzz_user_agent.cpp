// User-Agent classification with the real uap-core regex set.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "device_classifier.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto classifier = std::make_unique<onlooker::DeviceClassifier>(ONLOOKER_UAP_REGEXES, 0);
  const auto device =
      classifier->classify(std::string_view(reinterpret_cast<const char*>(data), size));
  if (device.device_class.empty()) __builtin_trap();
  return 0;
}
