#include "process_cpu.h"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace onlooker::bench {
namespace {

struct ProcStat {
  pid_t parent = 0;
  double cpu_seconds = 0;
};

// /proc/PID/stat: fields after the ")" that ends the command name are
// state (3), ppid (4), ..., utime (14), stime (15), in clock ticks.
bool read_stat(const std::filesystem::path& dir, ProcStat& stat) {
  std::ifstream file(dir / "stat");
  std::string text;
  if (!std::getline(file, text)) return false;
  const auto close = text.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream fields(text.substr(close + 2));
  std::string state;
  long skip = 0;
  unsigned long utime = 0, stime = 0;
  fields >> state >> stat.parent;
  for (int field = 5; field <= 13; ++field) fields >> skip;
  fields >> utime >> stime;
  stat.cpu_seconds = static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  return static_cast<bool>(fields);
}

}  // namespace

double process_cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double process_tree_cpu_seconds(pid_t root) {
  double total = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    ProcStat stat;
    const auto pid = static_cast<pid_t>(std::stol(name));
    if (read_stat(entry.path(), stat) && (pid == root || stat.parent == root)) {
      total += stat.cpu_seconds;
    }
  }
  return total;
}

}  // namespace onlooker::bench
