// A real redis-server (Debian's) on a free loopback port, no persistence,
// in a temp dir; stopped by pid. Restartable on the same port, for the
// link-down tests.
#pragma once

#include <memory>
#include <string>

#include "process.h"
#include "temp_dir.h"

namespace onlooker::test {

class RedisServer {
 public:
  RedisServer();
  ~RedisServer();

  unsigned short port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  // Starts it (again) and waits until it answers PING.
  void start();
  // SIGKILL: gone at once, as a crash.
  void kill();
  // redis-cli against it; its output.
  std::string cli(const std::vector<std::string>& args) const;

 private:
  TempDir dir_;
  unsigned short port_;
  std::unique_ptr<Process> server_;
};

}  // namespace onlooker::test
