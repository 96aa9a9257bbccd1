// A child process for tests: started with posix_spawn, output to a log file,
// stopped by pid (a signal, then SIGKILL if it does not exit in time).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace onlooker::test {

class Process {
 public:
  Process(std::vector<std::string> argv, const std::string& log_path);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  void signal(int sig);
  // Sends `sig`, waits up to `grace`, then SIGKILLs. Returns the exit status
  // (or 128 + signal number) once the process is gone.
  int stop(int sig, std::chrono::milliseconds grace = std::chrono::seconds(10));
  std::optional<int> wait_for(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// Runs a command to completion; returns its exit status and combined output.
struct RunResult {
  int status;
  std::string output;
};
RunResult run_command(const std::vector<std::string>& argv);

// A TCP port on 127.0.0.1 that was free a moment ago and that no other
// test process is handed while this one runs (process.cpp).
unsigned short free_port();

std::string read_file(const std::string& path);

// Polls `condition` every 20 ms until it holds or `timeout` passes.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    struct timespec pause {0, 20'000'000};
    nanosleep(&pause, nullptr);
  }
}

}  // namespace onlooker::test
