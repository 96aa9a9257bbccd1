// uap-core's regexes.yaml as it was at build time (node_modules/uap-core,
// pinned by package-lock.json), compiled into onlookerd so that it tells
// browsers, systems, devices and bots apart with no data file installed.
// `--ua-regexes PATH` replaces it with a newer file.
#pragma once

#include <string_view>

namespace onlooker::builtin_uap {

std::string_view regexes_yaml();
std::string_view version();  // uap-core's package version, e.g. "0.18.0"

}  // namespace onlooker::builtin_uap
