#include "alert_rule.h"

#include <cctype>
#include <charconv>

namespace onlooker {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// "30s", "10m", "2h" -> milliseconds; false when malformed.
bool parse_duration(std::string_view text, std::chrono::milliseconds& out) {
  long long amount = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), amount);
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  if (ec != std::errc{} || amount < 0 || amount > 7 * 24 * 3600) return false;
  if (unit == "s") out = std::chrono::seconds(amount);
  else if (unit == "m") out = std::chrono::minutes(amount);
  else if (unit == "h") out = std::chrono::hours(amount);
  else return false;
  return true;
}

}  // namespace

std::variant<AlertRule, std::string> parse_alert_rule(std::string_view text) {
  AlertRule rule;
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return "expected 'NAME: CONDITION', got '" + std::string(text) + "'";
  rule.name = std::string(trim(text.substr(0, colon)));
  std::string_view rest = trim(text.substr(colon + 1));
  rule.condition = std::string(rest);
  auto fail = [&](const std::string& why) {
    return "alert '" + rule.name + "': " + why + " in '" + rule.condition + "'";
  };
  if (rule.name.empty()) return "alert without a name: '" + std::string(text) + "'";

  for (const char* later : {"views_per_minute", "status5xx_share"}) {
    if (rest.rfind(later, 0) == 0) return fail(std::string(later) + " is not supported by this build yet");
  }
  if (rest.rfind("live", 0) != 0) return fail("expected a measure: live");
  rest.remove_prefix(4);
  if (!rest.empty() && rest.front() == '{') {
    const auto close = rest.find('}');
    if (close == std::string_view::npos) return fail("'{' without '}'");
    std::string_view labels = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
    while (!labels.empty()) {
      const auto comma = labels.find(',');
      const std::string_view label = trim(labels.substr(0, comma));
      labels = comma == std::string_view::npos ? std::string_view{} : labels.substr(comma + 1);
      const auto eq = label.find('=');
      const std::string_view key = eq == std::string_view::npos ? label : trim(label.substr(0, eq));
      const std::string_view value = eq == std::string_view::npos ? "" : trim(label.substr(eq + 1));
      if (value.empty()) return fail("label '" + std::string(label) + "' needs a value");
      if (key == "path") rule.path = std::string(value);
      else if (key == "host") rule.host = std::string(value);
      else return fail("unknown label '" + std::string(key) + "' (path, host)");
    }
    if (!rule.path.empty() && rule.path.front() != '/') return fail("path must start with '/'");
  }
  rest = trim(rest);
  if (rest.empty() || (rest.front() != '>' && rest.front() != '<')) return fail("expected > or <");
  rule.op = rest.front() == '>' ? AlertRule::Op::above : AlertRule::Op::below;
  rest = trim(rest.substr(1));
  const auto space = rest.find(' ');
  const std::string_view number = rest.substr(0, space);
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), rule.threshold);
  if (ec != std::errc{} || end != number.data() + number.size() || rule.threshold < 0) {
    return fail("expected a number, got '" + std::string(number) + "'");
  }
  rest = space == std::string_view::npos ? std::string_view{} : trim(rest.substr(space));
  if (!rest.empty()) {
    if (rest.rfind("for ", 0) != 0) return fail("unexpected '" + std::string(rest) + "'");
    const std::string_view duration = trim(rest.substr(4));
    if (!parse_duration(duration, rule.hold)) {
      return fail("expected a duration like 30s, 10m or 2h, got '" + std::string(duration) + "'");
    }
  }
  return rule;
}

}  // namespace onlooker
