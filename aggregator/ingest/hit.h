// One decoded ring record: a page view, heartbeat, leave, or a tab going to
// the background (hide) or coming back (show), as onlookerd handles it from
// the drain loop onwards. An error (a tracked page answered >= 500) goes no
// further than the drain loop, which counts it for the status5xx_share alerts
// (alerts/recent_counts.h): it is not a view.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace onlooker {

// The values are the ring's (onlooker_kind).
enum class HitKind : std::uint8_t { view = 1, beat = 2, leave = 3, error = 4, hide = 5, show = 6 };

std::string_view to_string(HitKind kind);
// The kind named as to_string() names it; false for anything else.
bool from_string(std::string_view text, HitKind& kind);

using VisitorId = std::array<std::uint8_t, 16>;

using VisitorHex = std::array<char, 32>;  // 32 lowercase hex digits, no terminator
VisitorHex to_hex_digits(const VisitorId& id);
std::string to_hex(const VisitorId& id);
// Parses 32 hex digits (either case); false for anything else.
bool from_hex(std::string_view hex, VisitorId& id);

// The client address travels only as far as enrichment: it is never part of
// what is stored or published.
struct ClientAddress {
  std::uint8_t family = 0;  // 4, 6 or 0
  std::array<std::uint8_t, 16> bytes{};
};

// Where a view's visitor says they came from: the landing URL's utm_source,
// utm_medium, utm_campaign and ref as the module read them from the query
// string (ring layout 4: percent-decoded, no control characters, each at most
// ONLOOKER_CAMPAIGN_VALUE_MAX bytes, any other byte as it came). Empty
// when absent; always empty for beats, leaves, hides and shows. Untrusted.
struct Campaign {
  std::string source;  // utm_source
  std::string medium;  // utm_medium
  std::string name;    // utm_campaign
  std::string ref;     // ref

  bool empty() const { return source.empty() && medium.empty() && name.empty() && ref.empty(); }
  bool operator==(const Campaign&) const = default;
};

struct Hit {
  std::uint64_t generation = 0;
  std::uint64_t seq = 0;
  std::int64_t ts_ms = 0;
  HitKind kind = HitKind::view;
  std::uint16_t status = 0;
  std::uint64_t bytes = 0;
  std::uint32_t request_ms = 0;
  VisitorId visitor{};
  // The browser tab a beat or leave is from (beacon.js's per-tab id); 0 for
  // page views and beacons that name none.
  std::uint64_t tab = 0;
  // How long the tab was visible on this page, as beacon.js reports it with
  // a leave or hide (ring layout 3); 0 when not given. Untrusted until the
  // visit tracker has capped it by the time since the page was opened.
  std::uint32_t visible_ms = 0;
  // A leave the visit tracker holds (it ends a tab; the person departs only
  // when their last tab has gone, as a separate leave): the live set skips it.
  bool deferred = false;
  ClientAddress address;
  // Raw bytes as nginx saw them (any byte value, not necessarily UTF-8).
  std::string host;
  std::string path;
  std::string referrer;
  // The bytes in the ring slot, not a copy: only enrichment and the presence
  // check read it, before the drain loop empties it, and the slot is freed
  // only after the commit. Neither history nor the live view keep it (the
  // cluster link's entries carry none; a hit decoded from one has none).
  std::string_view user_agent;
  Campaign campaign;

  // Filled in by enrichment; empty when unknown (no geo database, say).
  std::string country_code;
  std::string country_name;
  std::string city;
  std::string device;  // desktop | mobile | tablet | bot | other
  std::string browser;
  std::string os;
  // A view's source (enrich/source_classifier.h): its group (direct, campaign,
  // search, social, email, paid, other site), the source's name and the
  // referrer's host. All empty for a view from the same site (internal
  // navigation) and for every other kind.
  std::string source_group;
  std::string source_name;
  std::string referrer_host;

  bool is_bot() const { return device == "bot"; }
};

// The campaign and source columns of `hits` and `visits`, in their order
// (utm_source, utm_medium, utm_campaign, ref, source, source_name,
// referrer_host): both backends write them from this one list.
inline constexpr std::size_t campaign_source_columns = 7;
inline std::array<const std::string*, campaign_source_columns> campaign_source_values(
    const Campaign& campaign, const std::string& source_group, const std::string& source_name,
    const std::string& referrer_host) {
  return {&campaign.source, &campaign.medium, &campaign.name, &campaign.ref,
          &source_group,    &source_name,     &referrer_host};
}

// The kinds whose visible_ms means something (stored; NULL for the others).
inline bool carries_visible_time(HitKind kind) {
  return kind == HitKind::leave || kind == HitKind::hide;
}

// Whether this leave ends the stay of a visitor now on `current_path`. A
// leave from a page the visitor has already moved on from (the pagehide of
// page A arriving after the view of page B) is no leave; one that names no
// page always is. The live set and the visit tracker both follow it.
inline bool leave_ends_stay(const Hit& leave, std::string_view current_path) {
  return leave.path.empty() || leave.path == current_path;
}

}  // namespace onlooker
