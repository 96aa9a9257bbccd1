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

// `word` at the start of `text` as a whole word: taken, and `measure` set.
bool take_word(std::string_view& text, std::string_view word, AlertRule::Measure& measure,
               AlertRule::Measure named) {
  if (text.substr(0, word.size()) != word) return false;
  const std::string_view after = text.substr(word.size());
  if (!after.empty() && (std::isalnum(static_cast<unsigned char>(after.front())) || after.front() == '_')) {
    return false;
  }
  text = after;
  measure = named;
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

  using Measure = AlertRule::Measure;
  if (!take_word(rest, "live", rule.measure, Measure::live) &&
      !take_word(rest, "views_per_minute", rule.measure, Measure::views_per_minute) &&
      !take_word(rest, "status5xx_share", rule.measure, Measure::status5xx_share)) {
    return fail("expected a measure: live, views_per_minute or status5xx_share");
  }
  if (!rest.empty() && rest.front() == '{') {
    const auto close = rest.find('}');
    if (close == std::string_view::npos) return fail("'{' without '}'");
    std::string_view labels = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
    if (rule.measure == Measure::status5xx_share) {
      // {live}: the last minute, the one window this build has.
      if (trim(labels) != "live") return fail("status5xx_share takes {live} only");
      labels = {};
    } else if (rule.measure == Measure::views_per_minute) {
      return fail("views_per_minute takes no labels");
    }
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
  std::string_view number = rest.substr(0, space);
  rest = space == std::string_view::npos ? std::string_view{} : trim(rest.substr(space));
  if (rule.measure == Measure::status5xx_share && !number.empty() && number.back() == '%') {
    number.remove_suffix(1);
  }
  if (rule.measure == Measure::views_per_minute && number.size() > 1 && number.back() == 'x') {
    number.remove_suffix(1);
    const auto word_end = rest.find(' ');
    if (rest.substr(0, word_end) != "baseline") return fail("expected 'baseline' after '" + std::string(number) + "x'");
    rest = word_end == std::string_view::npos ? std::string_view{} : trim(rest.substr(word_end));
    rule.of_baseline = true;
  }
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), rule.threshold);
  if (ec != std::errc{} || end != number.data() + number.size() || rule.threshold < 0) {
    return fail("expected a number, got '" + std::string(number) + "'");
  }
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
