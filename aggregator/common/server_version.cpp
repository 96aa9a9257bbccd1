#include "server_version.h"

#include <charconv>

namespace onlooker {

std::optional<std::string> redis_version_problem(std::string_view info_server) {
  constexpr std::string_view key = "redis_version:";
  const auto at = info_server.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view version = info_server.substr(at + key.size());
  version = version.substr(0, version.find_first_of("\r\n"));
  int major = 0, minor = 0;
  const char* const last = version.data() + version.size();
  const auto [dot, error] = std::from_chars(version.data(), last, major);
  if (error != std::errc{} || dot == version.data()) return std::nullopt;
  if (dot != last && *dot == '.') std::from_chars(dot + 1, last, minor);
  if (major > 6 || (major == 6 && minor >= 2)) return std::nullopt;
  return "Redis " + std::string(version) +
         " is too old: --cluster needs Redis 6.2 or newer (streams trimmed with XADD MINID)";
}

std::optional<std::string> postgres_version_problem(int server_version_num) {
  if (server_version_num <= 0 || server_version_num >= 120000) return std::nullopt;
  // 10 and later: major * 10000 + minor; before 10: major * 10000 + minor * 100 + patch.
  const int major = server_version_num / 10000;
  const std::string version =
      major >= 10 ? std::to_string(major) + "." + std::to_string(server_version_num % 10000)
                  : std::to_string(major) + "." + std::to_string(server_version_num / 100 % 100);
  return "PostgreSQL " + version + " is too old: --db needs PostgreSQL 12 or newer";
}

}  // namespace onlooker
