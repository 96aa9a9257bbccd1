// The history backends as typed tests run them: SQLite in a temp file,
// PostgreSQL in a fresh database of a real server (one server per test
// binary). Each gives a fresh, empty store, its sink and reader, and an
// integer query for checks.
#pragma once

#include <memory>
#include <string>
#include <vector>

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

// Undoes SQLite schema step 7 -> 8 (campaigns and sources), for tests that
// take a database back to an older schema and migrate it again.
inline constexpr const char* drop_campaign_columns_sql =
    "ALTER TABLE hits DROP COLUMN utm_source; ALTER TABLE hits DROP COLUMN utm_medium; "
    "ALTER TABLE hits DROP COLUMN utm_campaign; ALTER TABLE hits DROP COLUMN ref; "
    "ALTER TABLE hits DROP COLUMN source; ALTER TABLE hits DROP COLUMN source_name; "
    "ALTER TABLE hits DROP COLUMN referrer_host; "
    "ALTER TABLE visits DROP COLUMN utm_source; ALTER TABLE visits DROP COLUMN utm_medium; "
    "ALTER TABLE visits DROP COLUMN utm_campaign; ALTER TABLE visits DROP COLUMN ref; "
    "ALTER TABLE visits DROP COLUMN source; ALTER TABLE visits DROP COLUMN source_name; "
    "ALTER TABLE visits DROP COLUMN referrer_host; "
    "DROP VIEW daily_sources; DROP VIEW daily_campaigns; ";

// Undoes SQLite schema step 8 -> 9 (per-page engagement), likewise.
inline constexpr const char* drop_page_engagement_sql =
    "DROP VIEW daily_page_engagement; DROP TABLE page_engagement_rollups; ";

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
  // Every row of `sql`, as text.
  std::vector<std::vector<std::string>> rows(const std::string& sql) {
    sqlite::Database db(dir.file("db"), SQLITE_OPEN_READONLY);
    sqlite::Statement statement(db, sql);
    std::vector<std::vector<std::string>> out;
    while (statement.step()) {
      auto& row = out.emplace_back();
      for (int column = 0; column < statement.column_count(); ++column) {
        row.push_back(statement.column_text(column));
      }
    }
    return out;
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
  std::vector<std::vector<std::string>> rows(const std::string& sql) {
    pg::Connection connection(uri);
    const auto result = connection.query(sql);
    std::vector<std::vector<std::string>> out;
    for (int row = 0; row < PQntuples(result.get()); ++row) {
      auto& cells = out.emplace_back();
      for (int column = 0; column < PQnfields(result.get()); ++column) {
        cells.emplace_back(PQgetvalue(result.get(), row, column));
      }
    }
    return out;
  }
  static int next_id() {
    static int id = 0;
    return ++id;
  }
};

}  // namespace onlooker::test
