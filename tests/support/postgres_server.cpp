#include "postgres_server.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "process.h"

namespace onlooker::test {
namespace {

const std::string bin = "/usr/lib/postgresql/15/bin/";

}  // namespace

std::vector<std::string> PostgresServer::as_postgres(std::vector<std::string> argv) const {
  if (::geteuid() != 0) return argv;
  argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", "postgres", "--"});
  return argv;
}

PostgresServer::PostgresServer(std::string settings)
    : data_(dir_.file("data")), port_(free_port()), settings_(std::move(settings)) {
  if (::geteuid() == 0) {
    const passwd* user = ::getpwnam("postgres");
    if (user == nullptr) throw std::runtime_error("no postgres user (install postgresql)");
    if (::chown(dir_.path().c_str(), user->pw_uid, user->pw_gid) != 0) {
      throw std::runtime_error("cannot chown the PostgreSQL test dir");
    }
  }
  const auto init = run_command(as_postgres(
      {bin + "initdb", "-D", data_, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"}));
  if (init.status != 0) throw std::runtime_error("initdb failed: " + init.output);
  start();
}

PostgresServer::~PostgresServer() {
  if (!running_) return;
  try {
    stop();
  } catch (const std::exception&) {
    // Fall back to the postmaster's pid.
    if (const pid_t pid = postmaster_pid(); pid > 0) ::kill(pid, SIGKILL);
  }
}

pid_t PostgresServer::postmaster_pid() const {
  std::ifstream pid_file(data_ + "/postmaster.pid");
  pid_t pid = 0;
  return pid_file >> pid ? pid : 0;
}

void PostgresServer::start() {
  const std::string options = "-p " + std::to_string(port_) + " -k " + dir_.path().string() +
                              " -c listen_addresses=127.0.0.1 " + settings_;
  const auto started = run_command(as_postgres(
      {bin + "pg_ctl", "-D", data_, "-l", dir_.file("log"), "-w", "-o", options, "start"}));
  if (started.status != 0) {
    throw std::runtime_error("pg_ctl start failed: " + started.output + read_file(dir_.file("log")));
  }
  running_ = true;
}

void PostgresServer::stop() {
  const auto stopped =
      run_command(as_postgres({bin + "pg_ctl", "-D", data_, "-m", "fast", "-w", "stop"}));
  if (stopped.status != 0) throw std::runtime_error("pg_ctl stop failed: " + stopped.output);
  running_ = false;
}

std::string PostgresServer::uri(const std::string& database) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PostgresServer::psql(const std::string& database, const std::string& sql) {
  const auto result = run_command({"/usr/bin/psql", "-X", "-q", "-A", "-t", "-v",
                                   "ON_ERROR_STOP=1", "-d", uri(database), "-c", sql});
  if (result.status != 0) throw std::runtime_error("psql failed: " + result.output);
  return result.output;
}

std::string PostgresServer::create_database(const std::string& name) {
  psql("postgres", "CREATE DATABASE " + name);
  return uri(name);
}

}  // namespace onlooker::test
