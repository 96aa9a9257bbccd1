#include "record_decoder.h"

#include <cstring>

namespace onlooker {

namespace {

// The kinds onlookerd handles; anything else (a torn or foreign record, or
// a kind this build does not know) is not decoded.
bool known_kind(std::uint8_t kind) {
  switch (kind) {
    case ONLOOKER_KIND_VIEW:
    case ONLOOKER_KIND_BEAT:
    case ONLOOKER_KIND_LEAVE:
    case ONLOOKER_KIND_ERROR:
    case ONLOOKER_KIND_HIDE:
    case ONLOOKER_KIND_SHOW: return true;
    default: return false;
  }
}

}  // namespace

std::optional<Hit> decode_record(const onlooker_record& record, std::uint64_t generation,
                                 std::uint64_t expected_seq) {
  if (record.generation != generation || record.seq != expected_seq) return std::nullopt;
  if (!known_kind(record.kind)) return std::nullopt;
  if (record.addr_family != 0 && record.addr_family != 4 && record.addr_family != 6) {
    return std::nullopt;
  }
  if (record.host_len > ONLOOKER_HOST_MAX || record.path_len > ONLOOKER_PATH_MAX ||
      record.referrer_len > ONLOOKER_REFERRER_MAX || record.ua_len > ONLOOKER_UA_MAX) {
    return std::nullopt;
  }
  for (const std::uint8_t len : record.campaign_len) {
    if (len > ONLOOKER_CAMPAIGN_VALUE_MAX) return std::nullopt;
  }

  Hit hit;
  hit.generation = record.generation;
  hit.seq = record.seq;
  hit.ts_ms = static_cast<std::int64_t>(record.ts_ms);
  hit.kind = static_cast<HitKind>(record.kind);
  hit.status = record.status;
  hit.bytes = record.bytes_sent;
  hit.request_ms = record.request_ms;
  std::memcpy(hit.visitor.data(), record.visitor, hit.visitor.size());
  hit.tab = record.tab;
  hit.visible_ms = record.visible_ms;
  hit.address.family = record.addr_family;
  std::memcpy(hit.address.bytes.data(), record.addr, hit.address.bytes.size());

  const char* text = record.text;
  hit.host.assign(text, record.host_len);
  text += record.host_len;
  hit.path.assign(text, record.path_len);
  text += record.path_len;
  hit.referrer.assign(text, record.referrer_len);
  text += record.referrer_len;
  hit.user_agent = std::string_view(text, record.ua_len);
  text += record.ua_len;
  // In the ring's field order (enum onlooker_campaign_field).
  std::string* const campaign_fields[ONLOOKER_CAMPAIGN_FIELDS] = {
      &hit.campaign.source, &hit.campaign.medium, &hit.campaign.name, &hit.campaign.ref};
  for (std::size_t field = 0; field < ONLOOKER_CAMPAIGN_FIELDS; ++field) {
    campaign_fields[field]->assign(text, record.campaign_len[field]);
    text += record.campaign_len[field];
  }
  return hit;
}

}  // namespace onlooker
