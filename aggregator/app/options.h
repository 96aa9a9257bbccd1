// onlookerd's command line (and --config file with the same keys).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace onlooker {

struct Options {
  std::string ring;
  std::string db;
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 9190;
  std::chrono::seconds active_window{300};
  std::size_t max_visitors_per_address = 256;
  std::chrono::milliseconds push_interval{1000};
  std::vector<std::string> geoip;  // City .mmdb files, first hit wins; none: no geo
  std::string ua_regexes;   // uap-core regexes.yaml; empty: no device classes
  int retention_days = 0;   // 0 keeps history forever
  std::string token;        // empty: no token needed
  std::vector<std::string> allowed_origins;
};

// What parsing produced: options to run with, or a text to print and the
// exit status to leave with (0 for --help and --version, 2 for bad input).
struct ParseExit {
  int status;
  std::string text;
};

std::variant<Options, ParseExit> parse_options(const std::vector<std::string>& args);

}  // namespace onlooker
