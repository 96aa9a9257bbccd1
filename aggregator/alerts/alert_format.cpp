#include "alert_format.h"

#include <cmath>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

namespace onlooker {

std::optional<AlertFormat> parse_alert_format(std::string_view text) {
  if (text == "json") return AlertFormat::json;
  if (text == "slack") return AlertFormat::slack;
  return std::nullopt;
}

std::string iso8601_utc_ms(std::int64_t unix_ms) {
  const std::int64_t seconds = unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000;
  const auto millis = static_cast<int>(unix_ms - seconds * 1000);
  const std::time_t whole = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&whole, &utc);
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
  return text;
}

namespace {

// Counts print as integers (2, not 2.0); shares and ratios keep a fraction.
nlohmann::json number(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15) {
    return static_cast<std::int64_t>(value);
  }
  return value;
}

std::string value_text(double value) {
  return number(value).dump();
}

}  // namespace

std::string alert_body(const AlertNotice& notice, AlertFormat format, const std::string& node) {
  const std::string state = notice.firing ? "firing" : "cleared";
  nlohmann::ordered_json body;
  if (format == AlertFormat::slack) {
    body["text"] = std::string(notice.firing ? ":rotating_light: " : ":white_check_mark: ") +
                   "Onlooker alert *" + notice.rule + "* " + state + ": `" + notice.condition +
                   "` (value " + value_text(notice.value) + ") at " +
                   iso8601_utc_ms(notice.time_ms) + " on " + node;
  } else {
    body["rule"] = notice.rule;
    body["condition"] = notice.condition;
    body["value"] = number(notice.value);
    body["state"] = state;
    body["time"] = iso8601_utc_ms(notice.time_ms);
    body["time_ms"] = notice.time_ms;
    body["node"] = node;
  }
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace onlooker
