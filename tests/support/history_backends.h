// The history backends a typed test suite runs for: SQLite in a temp file,
// PostgreSQL in a fresh database of a real server (one server per test
// binary). Each gives sink(), reader() and query_int() over one fresh store.
#pragma once

#include <memory>
#include <string>

#include "history_reader.h"
#include "history_sink.h"
#include "pg_connection.h"
#include "pg_history.h"
#include "pg_history_reader.h"
#include "sqlite_db.h"
#include "sqlite_history.h"
#include "sqlite_history_reader.h"
#include "support/postgres_server.h"
#include "support/temp_dir.h"

namespace onlooker::test {

// A fresh, empty store per test; sink() may be called again to reopen it
// (a restart of onlookerd).
struct SqliteBackend {
  TempDir dir;
  std::unique_ptr<HistorySink> sink() { return std::make_unique<SqliteHistory>(dir.file("db")); }
  std::unique_ptr<HistoryReader> reader() {
    return std::make_unique<SqliteHistoryReader>(dir.file("db"));
  }
  std::int64_t query_int(const std::string& sql) {
    return sqlite::Database(dir.file("db"), SQLITE_OPEN_READONLY).query_int(sql);
  }
};

// Started on first use, stopped when the test binary exits.
inline PostgresServer& postgres_server() {
  static PostgresServer server;
  return server;
}

struct PostgresBackend {
  std::string uri = postgres_server().create_database("history_" + std::to_string(next_id()));
  std::unique_ptr<HistorySink> sink() { return std::make_unique<PgHistory>(uri, "node-a"); }
  std::unique_ptr<HistoryReader> reader() { return std::make_unique<PgHistoryReader>(uri); }
  std::int64_t query_int(const std::string& sql) { return pg::Connection(uri).query_int(sql); }
  static int next_id() {
    static int id = 0;
    return ++id;
  }
};

}  // namespace onlooker::test
