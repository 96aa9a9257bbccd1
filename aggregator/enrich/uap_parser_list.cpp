#include "uap_parser_list.h"

#include <re2/re2.h>
#include <re2/set.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <stdexcept>

namespace onlooker {

namespace {

// uap-core replacements refer to $1..$9; group 0 is the whole match.
constexpr int max_submatches = 10;

// The device list alone needs more than RE2's default 8 MiB to compile as one
// set (its rules use bounded repeats such as .{0,300}); the DFA cache takes
// what it needs of this budget as distinct User-Agents are seen.
constexpr std::int64_t set_memory_budget = 64 << 20;

std::string_view trim(std::string_view text) {
  constexpr std::string_view space = " \t\r\n";
  const auto first = text.find_first_not_of(space);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(space) - first + 1);
}

// uap-core replacements: "$1".."$9" become the capture (empty when the group
// did not take part); everything else is copied.
std::string substitute(std::string_view replacement, const re2::StringPiece* groups,
                       int group_count) {
  std::string out;
  out.reserve(replacement.size());
  for (std::size_t i = 0; i < replacement.size(); ++i) {
    const char c = replacement[i];
    if (c == '$' && i + 1 < replacement.size() && replacement[i + 1] >= '1' &&
        replacement[i + 1] <= '9') {
      const int group = replacement[++i] - '0';
      if (group < group_count) out.append(groups[group].data(), groups[group].size());
    } else {
      out.push_back(c);
    }
  }
  return out;
}

RE2::Options uap_options() {
  RE2::Options options;
  options.set_log_errors(false);  // unsupported patterns are counted, not logged per line
  return options;
}

}  // namespace

struct UapParserList::Rule {
  std::unique_ptr<RE2> regex;
  std::array<std::optional<std::string>, uap_max_fields> replacements;
};

// RE2::Set runs every rule at once in one DFA pass and reports which ones
// match; the lowest index is the first match in file order. It is about ten
// times faster than trying the rules one by one.
class UapParserList::Prefilter {
 public:
  explicit Prefilter(const std::vector<Rule>& rules) : set_(set_options(), RE2::UNANCHORED) {
    for (const auto& rule : rules) {
      if (set_.Add(rule.regex->pattern(), nullptr) < 0) return;
    }
    compiled_ = set_.Compile();
  }

  bool compiled() const { return compiled_; }

  // Indices of the matching rules, ascending; nullopt when the DFA gave up
  // (out of memory), in which case the caller scans the rules itself.
  std::optional<std::vector<int>> matching_rules(std::string_view text) const {
    std::vector<int> matches;
    RE2::Set::ErrorInfo error{};
    if (!set_.Match(re2::StringPiece(text.data(), text.size()), &matches, &error) &&
        error.kind != RE2::Set::kNoError) {
      return std::nullopt;
    }
    std::sort(matches.begin(), matches.end());
    return matches;
  }

 private:
  static RE2::Options set_options() {
    RE2::Options options = uap_options();
    options.set_max_mem(set_memory_budget);
    return options;
  }

  RE2::Set set_;
  bool compiled_ = false;
};

UapParserList::UapParserList(const YAML::Node& entries, std::span<const UapField> fields,
                             std::string_view section)
    : fields_(fields.begin(), fields.end()) {
  if (fields.size() > uap_max_fields) throw std::logic_error("too many uap fields");
  if (!entries.IsSequence()) {
    throw std::runtime_error("uap regexes: \"" + std::string(section) + "\" is not a list");
  }
  rules_.reserve(entries.size());
  for (const auto& entry : entries) {
    if (!entry.IsMap() || !entry["regex"] || !entry["regex"].IsScalar()) {
      throw std::runtime_error("uap regexes: an entry of \"" + std::string(section) +
                               "\" has no regex");
    }
    std::string pattern = entry["regex"].Scalar();
    if (const auto flag = entry["regex_flag"]; flag && flag.Scalar() == "i") {
      pattern.insert(0, "(?i)");
    }
    Rule rule{.regex = std::make_unique<RE2>(pattern, uap_options()), .replacements = {}};
    if (!rule.regex->ok()) {
      ++skipped_patterns_;
      continue;
    }
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      const auto replacement = entry[std::string(fields_[i].replacement_key)];
      if (replacement && replacement.IsScalar()) rule.replacements[i] = replacement.Scalar();
    }
    rules_.push_back(std::move(rule));
  }
  auto prefilter = std::make_unique<Prefilter>(rules_);
  if (prefilter->compiled()) prefilter_ = std::move(prefilter);
}

UapParserList::~UapParserList() = default;

std::size_t UapParserList::rule_count() const { return rules_.size(); }

std::optional<UapFields> UapParserList::first_match(std::string_view text) const {
  if (prefilter_) {
    if (const auto candidates = prefilter_->matching_rules(text)) {
      // The capturing match re-checks each candidate, so a disagreement
      // between the set and a single regex can only cost time.
      for (const int index : *candidates) {
        if (auto fields = fields_of(rules_[index], text)) return fields;
      }
      return std::nullopt;
    }
  }
  const re2::StringPiece input(text.data(), text.size());
  for (const auto& rule : rules_) {
    if (RE2::PartialMatch(input, *rule.regex)) return fields_of(rule, text);
  }
  return std::nullopt;
}

std::optional<UapFields> UapParserList::fields_of(const Rule& rule, std::string_view text) const {
  re2::StringPiece groups[max_submatches];
  const int group_count =
      std::min(max_submatches, 1 + rule.regex->NumberOfCapturingGroups());
  if (!rule.regex->Match(re2::StringPiece(text.data(), text.size()), 0, text.size(),
                         RE2::UNANCHORED, groups, group_count)) {
    return std::nullopt;
  }
  UapFields out;
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    if (rule.replacements[i]) {
      out[i] = trim(substitute(*rule.replacements[i], groups, group_count));
    } else if (const int group = fields_[i].default_group; group > 0 && group < group_count) {
      out[i] = trim(std::string_view(groups[group].data(), groups[group].size()));
    }
  }
  return out;
}

}  // namespace onlooker
