// Every statement the SQLite history's writer runs (batch inserts, rollup
// upserts, the catch-up read, retention, cursors), prepared once per
// connection. With sqlite_schema.cpp, the one place that holds this
// backend's SQL: a PostgreSQL backend has its own pair.
#pragma once

#include <cstddef>

#include "sqlite_db.h"

namespace onlooker {

// Rows per INSERT statement in the batch writer (hits and visits): one
// statement step per row costs more than the row itself; many rows per step
// share it.
inline constexpr std::size_t rows_per_insert = 32;
inline constexpr int hit_columns = 22;
inline constexpr int visit_columns = 19;

struct SqliteStatements {
  // The schema must be current (migrate_sqlite_schema).
  explicit SqliteStatements(sqlite::Database& db);

  sqlite::Database& db;
  // Batch writer (sqlite_batch_writer.h).
  sqlite::Statement insert_hit;     // one row
  sqlite::Statement insert_hits;    // rows_per_insert rows
  sqlite::Statement insert_visit;   // one row
  sqlite::Statement insert_visits;  // rows_per_insert rows
  sqlite::Statement save_position;
  // Rollup counter (sqlite_rollup_counter.h).
  sqlite::Statement upsert_rollup;
  sqlite::Statement upsert_visit_rollup;
  sqlite::Statement upsert_journey_rollup;
  sqlite::Statement upsert_page_engagement;
  sqlite::Statement bucket_has_hits;
  sqlite::Statement select_uncounted;
  sqlite::Statement save_rollup_cursor;
  sqlite::Statement select_rollup_cursor;
  sqlite::Statement select_last_hit;
  // Retention (sqlite_retention.h).
  sqlite::Statement delete_hits;
  sqlite::Statement delete_visits;
  sqlite::Statement delete_rollups;
  sqlite::Statement delete_visit_rollups;
  sqlite::Statement delete_journey_rollups;
  sqlite::Statement delete_page_engagement;
};

}  // namespace onlooker
