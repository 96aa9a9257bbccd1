// Splitting a request target into path and query parameters, with
// percent-decoding. Used for onlookerd's own endpoints (?host=...).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace onlooker {

struct Target {
  std::string_view path;
  std::string_view query;  // without '?'
};

Target split_target(std::string_view target);
// The decoded value of the first `name=` parameter; nullopt when absent.
// '+' means space; a malformed %xx escape is kept as it is.
std::optional<std::string> query_param(std::string_view query, std::string_view name);
std::string percent_decode(std::string_view text);

}  // namespace onlooker
