// The source groups a view's referrer or campaign falls in (hits.source), as
// stored and shown: the classifier (enrich/source_classifier.h) writes them,
// the history API checks ?source= against them. Text only, so that both
// sides share it without linking each other.
#pragma once

#include <string_view>

namespace onlooker {

namespace source_group {
inline constexpr std::string_view direct = "direct";      // no referrer, no campaign
inline constexpr std::string_view campaign = "campaign";  // no referrer, utm_source or ref
inline constexpr std::string_view search = "search";
inline constexpr std::string_view social = "social";
inline constexpr std::string_view email = "email";        // webmail
inline constexpr std::string_view paid = "paid";          // ad networks
inline constexpr std::string_view other_site = "other site";  // any other host
}  // namespace source_group

inline constexpr std::string_view source_groups[] = {
    source_group::direct, source_group::campaign, source_group::search, source_group::social,
    source_group::email,  source_group::paid,     source_group::other_site};

}  // namespace onlooker
