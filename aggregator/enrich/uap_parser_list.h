// One uap-core parser list (user_agent_parsers, os_parsers or
// device_parsers) compiled with RE2 for first-match lookup.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}  // namespace re2

namespace YAML {
class Node;
}  // namespace YAML

namespace onlooker {

// One output field of a parser list: the YAML key that may replace it (with
// $1..$9 substituted) and the capture group used when there is no
// replacement (0: none, the field stays empty).
struct UapField {
  std::string_view replacement_key;
  int default_group;
};

inline constexpr std::size_t uap_max_fields = 3;
using UapFields = std::array<std::string, uap_max_fields>;

class UapParserList {
 public:
  // `entries` is the YAML sequence of {regex, regex_flag, *_replacement}.
  // Patterns RE2 cannot compile (lookarounds, backreferences) are skipped and
  // counted; a malformed entry throws std::runtime_error naming `section`.
  UapParserList(const YAML::Node& entries, std::span<const UapField> fields,
                std::string_view section);
  ~UapParserList();

  UapParserList(const UapParserList&) = delete;
  UapParserList& operator=(const UapParserList&) = delete;

  // The fields of the first rule, in file order, that matches anywhere in
  // `text`, trimmed; nullopt when none matches.
  std::optional<UapFields> first_match(std::string_view text) const;

  std::size_t rule_count() const;
  std::size_t skipped_patterns() const { return skipped_patterns_; }

 private:
  struct Rule;
  class Prefilter;

  // nullopt when `rule` does not match `text`.
  std::optional<UapFields> fields_of(const Rule& rule, std::string_view text) const;

  std::vector<UapField> fields_;
  std::vector<Rule> rules_;
  std::unique_ptr<Prefilter> prefilter_;  // null when the set did not compile
  std::size_t skipped_patterns_ = 0;
};

}  // namespace onlooker
