// A throwaway PostgreSQL 15 for tests: initdb in a temp dir, pg_ctl start on
// its own 127.0.0.1 port and socket dir, pg_ctl stop (then SIGKILL of the
// postmaster's pid) at the end. PostgreSQL refuses to run as root, so as
// root the server runs as the `postgres` user through runuser.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "temp_dir.h"

namespace onlooker::test {

class PostgresServer {
 public:
  // initdb + start; throws if the server does not come up. `settings` are
  // extra server options (tests run without fsync; a benchmark may want the
  // defaults, or others to compare).
  explicit PostgresServer(std::string settings = "-c fsync=off");
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  unsigned short port() const { return port_; }
  // A libpq URI for `database` (trust auth, user postgres).
  std::string uri(const std::string& database = "postgres") const;
  // Creates an empty database and returns its URI.
  std::string create_database(const std::string& name);
  // Runs SQL through psql; returns its output (unaligned, tuples only).
  std::string psql(const std::string& database, const std::string& sql);

  // The running postmaster's pid (postmaster.pid's first line), 0 if none.
  pid_t postmaster_pid() const;

  void stop();   // pg_ctl stop -m fast (the data dir stays)
  void start();  // pg_ctl start again on the same port

 private:
  std::vector<std::string> as_postgres(std::vector<std::string> argv) const;
  TempDir dir_;
  std::string data_;
  unsigned short port_;
  std::string settings_;
  bool running_ = false;
};

}  // namespace onlooker::test
