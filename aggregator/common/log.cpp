#include "log.h"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <string>

namespace onlooker::log {

void write(Level level, std::string_view message) {
  static constexpr const char* names[] = {"debug", "info", "warn", "error"};
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
  std::string line;
  line.reserve(message.size() + 64);
  line += "ts=";
  line += stamp;
  line += '.';
  line += std::to_string(1000 + ms.count()).substr(1);
  line += "Z level=";
  line += names[static_cast<int>(level)];
  line += ' ';
  line += message;
  line += '\n';
  (void)::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace onlooker::log
