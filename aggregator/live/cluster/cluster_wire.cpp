#include "cluster_wire.h"

#include <cbor/encoding.h>
#include <nlohmann/json.hpp>

namespace onlooker {

namespace {

using Json = nlohmann::json;

// The texts are raw bytes from nginx (not always UTF-8): the entry is CBOR
// with byte strings, which keeps every byte exactly, and is compact.
// "src" (a view's source group) and "cmp" (its utm_campaign), which the
// live sources and campaigns lists count, came after the others: an entry of
// an older node has neither (its visitors then have none), and an older node
// looks up only the keys it knows, so it reads a newer entry as before.
constexpr const char* fields[] = {"host", "path", "ref", "ua", "cc", "cn", "city",
                                  "dev",  "br",   "os",  "src", "cmp"};

}  // namespace

// The bytes nlohmann::json::to_cbor gives for
//   [{"br": h'..', ..., "def": false, ..., "k": 1, "tab": 0, "ts": 17..., "v": h'..'}, ...]
// (an object's keys in std::map order, shortest heads, texts as byte
// strings, empty texts left out), streamed with libcbor's encoders instead of
// building a json value a hit: that cost the drain thread's link more than the
// rest of a hit's ingest. cluster_wire_test checks the bytes against nlohmann.
namespace {

// One CBOR head (major type and argument) from a libcbor encoder.
template <typename Value>
void put(std::string& out, std::size_t (*encode)(Value, unsigned char*, std::size_t), Value value) {
  unsigned char head[9];  // a head is at most 1 + 8 bytes
  const std::size_t size = encode(value, head, sizeof head);
  out.append(reinterpret_cast<const char*>(head), size);
}

void put_key(std::string& out, std::string_view key) {
  put<std::size_t>(out, cbor_encode_string_start, key.size());
  out += key;
}

void put_signed(std::string& out, std::int64_t value) {
  if (value >= 0) {
    put<std::uint64_t>(out, cbor_encode_uint, static_cast<std::uint64_t>(value));
  } else {
    put<std::uint64_t>(out, cbor_encode_negint, static_cast<std::uint64_t>(-(value + 1)));
  }
}

void put_bytes(std::string& out, std::string_view key, std::string_view bytes) {
  if (bytes.empty()) return;
  put_key(out, key);
  put<std::size_t>(out, cbor_encode_bytestring_start, bytes.size());
  out += bytes;
}

}  // namespace

std::string encode_live_hits(const std::vector<Hit>& hits) {
  std::string out;
  out.reserve(hits.size() * 200);
  put<std::size_t>(out, cbor_encode_array_start, hits.size());
  for (const Hit& hit : hits) {
    const std::string_view texts[] = {hit.host, hit.path, hit.referrer, hit.user_agent,
                                      hit.country_code, hit.country_name, hit.city,
                                      hit.device, hit.browser, hit.os,
                                      hit.source_group, hit.campaign.name};
    std::size_t pairs = 5;  // ts, k, v, tab, def
    for (const std::string_view text : texts) pairs += text.empty() ? 0 : 1;
    put<std::size_t>(out, cbor_encode_map_start, pairs);
    // In key order: br cc city cmp cn def dev host k os path ref src tab ts ua v.
    put_bytes(out, "br", hit.browser);
    put_bytes(out, "cc", hit.country_code);
    put_bytes(out, "city", hit.city);
    put_bytes(out, "cmp", hit.campaign.name);
    put_bytes(out, "cn", hit.country_name);
    put_key(out, "def");
    put<bool>(out, cbor_encode_bool, hit.deferred);
    put_bytes(out, "dev", hit.device);
    put_bytes(out, "host", hit.host);
    put_key(out, "k");
    put_signed(out, static_cast<int>(hit.kind));
    put_bytes(out, "os", hit.os);
    put_bytes(out, "path", hit.path);
    put_bytes(out, "ref", hit.referrer);
    put_bytes(out, "src", hit.source_group);
    put_key(out, "tab");
    put<std::uint64_t>(out, cbor_encode_uint, hit.tab);
    put_key(out, "ts");
    put_signed(out, hit.ts_ms);
    put_bytes(out, "ua", hit.user_agent);
    put_key(out, "v");
    put<std::size_t>(out, cbor_encode_bytestring_start, hit.visitor.size());
    out.append(reinterpret_cast<const char*>(hit.visitor.data()), hit.visitor.size());
  }
  return out;
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
    // "ua" is checked and dropped: nothing downstream reads a User-Agent,
    // and a hit holds none of its own (hit.h).
    std::string ignored_user_agent;
    std::string* texts[] = {&hit.host, &hit.path, &hit.referrer, &ignored_user_agent,
                            &hit.country_code, &hit.country_name, &hit.city,
                            &hit.device, &hit.browser, &hit.os,
                            &hit.source_group, &hit.campaign.name};
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
