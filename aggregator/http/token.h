// The access token: what a valid one looks like and how one is compared. No HTTP here, so that options parsing does not pull in Beast.
#pragma once

#include <string>
#include <string_view>

namespace onlooker {

// Compares without leaking, through timing, how much of a guess was right.
bool constant_time_equal(std::string_view a, std::string_view b);
// A token must be 16+ characters of [A-Za-z0-9._~-] (safe in a cookie and a URL).
bool valid_token(std::string_view token);

// --site-token HOST=TOKEN: a key that opens only the sites matching `pattern`
// (site_scope.h). One token may be given for several patterns.
struct SiteToken {
  std::string pattern;
  std::string token;
};
}  // namespace onlooker
