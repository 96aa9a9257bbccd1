#include "cluster_wire.h"

#include <nlohmann/json.hpp>

namespace onlooker {

namespace {

using Json = nlohmann::json;

// The texts are raw bytes from nginx (not always UTF-8): the entry is CBOR
// with byte strings, which keeps every byte exactly, and is compact.
constexpr const char* fields[] = {"host", "path", "ref", "ua", "cc", "cn", "city", "dev", "br", "os"};

}  // namespace

std::string encode_live_hits(const std::vector<Hit>& hits) {
  Json out = Json::array();
  for (const Hit& hit : hits) {
    const std::string* texts[] = {&hit.host, &hit.path, &hit.referrer, &hit.user_agent,
                                  &hit.country_code, &hit.country_name, &hit.city,
                                  &hit.device, &hit.browser, &hit.os};
    Json entry = {{"ts", hit.ts_ms},
                  {"k", static_cast<int>(hit.kind)},
                  {"v", Json::binary(std::vector<std::uint8_t>(hit.visitor.begin(), hit.visitor.end()))},
                  {"tab", hit.tab},
                  {"def", hit.deferred}};
    for (std::size_t i = 0; i < std::size(fields); ++i) {
      if (!texts[i]->empty()) {
        entry[fields[i]] = Json::binary(std::vector<std::uint8_t>(texts[i]->begin(), texts[i]->end()));
      }
    }
    out.push_back(std::move(entry));
  }
  const std::vector<std::uint8_t> cbor = Json::to_cbor(out);
  return std::string(cbor.begin(), cbor.end());
}

bool decode_live_hits(const std::string& text, std::vector<Hit>& hits) {
  const Json in = Json::from_cbor(text, true, false);
  if (!in.is_array()) return false;
  for (const Json& entry : in) {
    if (!entry.is_object()) return false;
    Hit hit;
    const auto ts = entry.find("ts");
    const auto kind = entry.find("k");
    const auto visitor = entry.find("v");
    if (ts == entry.end() || !ts->is_number_integer() || kind == entry.end() ||
        !kind->is_number_unsigned() || kind->get<unsigned>() < 1 || kind->get<unsigned>() > 6 ||
        kind->get<unsigned>() == 4 ||  // 5, 6: hide, show (4, error, is no live hit)
        visitor == entry.end() || !visitor->is_binary() ||
        visitor->get_binary().size() != hit.visitor.size()) {
      return false;
    }
    hit.ts_ms = ts->get<std::int64_t>();
    hit.kind = static_cast<HitKind>(kind->get<unsigned>());
    std::copy(visitor->get_binary().begin(), visitor->get_binary().end(), hit.visitor.begin());
    if (const auto tab = entry.find("tab"); tab != entry.end() && tab->is_number_unsigned()) {
      hit.tab = tab->get<std::uint64_t>();
    }
    if (const auto def = entry.find("def"); def != entry.end() && def->is_boolean()) {
      hit.deferred = def->get<bool>();
    }
    std::string* texts[] = {&hit.host, &hit.path, &hit.referrer, &hit.user_agent,
                            &hit.country_code, &hit.country_name, &hit.city,
                            &hit.device, &hit.browser, &hit.os};
    for (std::size_t i = 0; i < std::size(fields); ++i) {
      const auto it = entry.find(fields[i]);
      if (it == entry.end()) continue;
      if (!it->is_binary() || it->get_binary().size() > 8192) return false;
      texts[i]->assign(it->get_binary().begin(), it->get_binary().end());
    }
    hits.push_back(std::move(hit));
  }
  return true;
}

}  // namespace onlooker
