#include "sqlite_history.h"

#include <array>

namespace onlooker {
namespace {

// Step N moves the schema from user_version N to N + 1. Never edit a step
// that has shipped; add one.
constexpr std::array<const char*, SqliteHistory::schema_version> migrations = {
    R"sql(
    CREATE TABLE hits (
      ts         INTEGER NOT NULL,  -- unix time, milliseconds
      visitor    TEXT    NOT NULL,  -- salted hash or cookie id, hex
      kind       TEXT    NOT NULL,  -- view | beat | leave
      host       TEXT    NOT NULL,
      path       TEXT    NOT NULL,  -- without the query string
      referrer   TEXT,              -- host and path, no scheme or query
      status     INTEGER NOT NULL,
      country    TEXT,
      city       TEXT,
      device     TEXT,
      browser    TEXT,
      os         TEXT,
      bytes      INTEGER,
      request_ms INTEGER
    );
    CREATE INDEX hits_ts ON hits (ts);
    -- Where the drain loop resumes; written in the same transaction as the
    -- rows it covers.
    CREATE TABLE ring_cursor (
      id         INTEGER PRIMARY KEY CHECK (id = 1),
      generation INTEGER NOT NULL,
      next_seq   INTEGER NOT NULL
    );
    )sql",
};

}  // namespace

SqliteHistory::SqliteHistory(const std::string& path) : db_(path) {
  db_.exec("PRAGMA busy_timeout = 5000");
  // WAL: readers (the sqlite3 shell, a BI tool) never block the writer.
  db_.exec("PRAGMA journal_mode = WAL");
  db_.exec("PRAGMA synchronous = NORMAL");
  migrate();
  insert_hit_ = std::make_unique<sqlite::Statement>(
      db_,
      "INSERT INTO hits (ts, visitor, kind, host, path, referrer, status, bytes, request_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  save_position_ = std::make_unique<sqlite::Statement>(
      db_,
      "INSERT INTO ring_cursor (id, generation, next_seq) VALUES (1, ?1, ?2) "
      "ON CONFLICT (id) DO UPDATE SET generation = excluded.generation, "
      "next_seq = excluded.next_seq");
}

void SqliteHistory::migrate() {
  const auto version = db_.query_int("PRAGMA user_version");
  if (version > schema_version) {
    throw sqlite::SqliteError("database schema version " + std::to_string(version) +
                                  " is newer than this onlookerd (" +
                                  std::to_string(schema_version) + ")",
                              SQLITE_ERROR);
  }
  for (auto step = version; step < schema_version; ++step) {
    sqlite::Transaction transaction(db_);
    db_.exec(migrations[static_cast<std::size_t>(step)]);
    db_.exec("PRAGMA user_version = " + std::to_string(step + 1));
    transaction.commit();
  }
}

std::optional<RingPosition> SqliteHistory::committed_position() {
  sqlite::Statement query(db_, "SELECT generation, next_seq FROM ring_cursor WHERE id = 1");
  if (!query.step()) return std::nullopt;
  return RingPosition{static_cast<std::uint64_t>(query.column_int(0)),
                      static_cast<std::uint64_t>(query.column_int(1))};
}

void SqliteHistory::commit(std::span<const Hit> hits, const RingPosition& after) {
  sqlite::Transaction transaction(db_);
  for (const Hit& hit : hits) {
    auto& insert = *insert_hit_;
    insert.bind(1, hit.ts_ms);
    insert.bind(2, to_hex(hit.visitor));
    insert.bind(3, to_string(hit.kind));
    insert.bind(4, hit.host);
    insert.bind(5, hit.path);
    if (hit.referrer.empty()) {
      insert.bind_null(6);
    } else {
      insert.bind(6, hit.referrer);
    }
    insert.bind(7, static_cast<std::int64_t>(hit.status));
    insert.bind(8, static_cast<std::int64_t>(hit.bytes));
    insert.bind(9, static_cast<std::int64_t>(hit.request_ms));
    insert.exec();
  }
  // SQLite integers are signed: the 64-bit generation is stored bit for bit.
  save_position_->bind(1, static_cast<std::int64_t>(after.generation));
  save_position_->bind(2, static_cast<std::int64_t>(after.next_seq));
  save_position_->exec();
  transaction.commit();
}

}  // namespace onlooker
