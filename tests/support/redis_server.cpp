#include "redis_server.h"

#include <csignal>
#include <stdexcept>

namespace onlooker::test {

using namespace std::chrono_literals;

RedisServer::RedisServer() : port_(free_port()) { start(); }

RedisServer::~RedisServer() {
  if (server_) server_->stop(SIGTERM, 5s);
}

void RedisServer::start() {
  if (server_) server_->stop(SIGTERM, 5s);
  server_ = std::make_unique<Process>(
      std::vector<std::string>{"/usr/bin/redis-server", "--port", std::to_string(port_), "--bind",
                               "127.0.0.1", "--save", "", "--appendonly", "no", "--dir",
                               dir_.path().string()},
      dir_.file("redis.log"));
  if (!eventually([&] { return cli({"PING"}).find("PONG") != std::string::npos; }, 10s)) {
    throw std::runtime_error("redis-server did not answer PING: " + read_file(dir_.file("redis.log")));
  }
}

void RedisServer::kill() {
  if (server_) server_->stop(SIGKILL, 5s);
  server_.reset();
}

std::string RedisServer::cli(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{"/usr/bin/redis-cli", "-p", std::to_string(port_)};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv).output;
}

}  // namespace onlooker::test
