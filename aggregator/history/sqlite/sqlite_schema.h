// The SQLite history's schema: versioned migration steps (PRAGMA
// user_version), from an empty file to the tables, views and rollups that
// docs/SQL.md documents. Every CREATE of the SQLite backend lives here.
#pragma once

#include <string>

#include "sqlite_db.h"

namespace onlooker {

// 9 adds the per-page engagement.
inline constexpr int sqlite_schema_version = 9;

// Brings the schema of `db` up to sqlite_schema_version, a step per
// transaction. Throws sqlite::SqliteError for a schema newer than this
// onlookerd. `path` only names the file in log lines.
void migrate_sqlite_schema(sqlite::Database& db, const std::string& path);

}  // namespace onlooker
