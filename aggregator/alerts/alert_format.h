// The bodies a webhook receives (--alert-format): `json`, the alert's own
// fields, or `slack`, {"text": ...} as Slack and Mattermost incoming
// webhooks take it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "alert_notice.h"

namespace onlooker {

enum class AlertFormat { json, slack };

std::optional<AlertFormat> parse_alert_format(std::string_view text);

// 2026-12-03T05:40:01.123Z
std::string iso8601_utc_ms(std::int64_t unix_ms);

// `node`: this onlookerd's --node, so that a cluster's receivers can tell
// which node saw it.
std::string alert_body(const AlertNotice& notice, AlertFormat format, const std::string& node);

}  // namespace onlooker
