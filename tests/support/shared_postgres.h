// One PostgreSQL per test binary, started on first use and stopped when the
// binary exits, for tests that each work in a fresh database of their own.
#pragma once

#include <string>

#include "postgres_server.h"

namespace onlooker::test {

inline PostgresServer& shared_postgres() {
  static PostgresServer server;
  return server;
}

// A new empty database ("<prefix>_<n>") on it; its URI.
inline std::string fresh_postgres_database(const std::string& prefix) {
  static int next = 0;
  return shared_postgres().create_database(prefix + "_" + std::to_string(++next));
}

}  // namespace onlooker::test
