#include "country_names.h"

#include <fstream>
#include <nlohmann/json.hpp>

namespace onlooker {

CountryNames::CountryNames(const std::string& path) {
  std::ifstream file(path);
  if (!file) return;
  const auto document = nlohmann::json::parse(file, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object() || !document.contains("3166-1")) return;
  for (const auto& country : document["3166-1"]) {
    const auto code = country.value("alpha_2", "");
    const auto name = country.value("common_name", country.value("name", ""));
    if (!code.empty() && !name.empty()) names_.emplace(code, name);
  }
}

std::string_view CountryNames::name(std::string_view code) const {
  const auto it = names_.find(std::string(code));
  return it == names_.end() ? std::string_view() : std::string_view(it->second);
}

}  // namespace onlooker
