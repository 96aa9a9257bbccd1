#include "sqlite_history.h"

#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <ctime>

#include "log.h"

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
    R"sql(
    CREATE TABLE visits (
      visitor    TEXT    NOT NULL,
      host       TEXT    NOT NULL,
      start      INTEGER NOT NULL,  -- unix ms of the first hit
      end        INTEGER NOT NULL,  -- unix ms of the last hit
      pages      INTEGER NOT NULL,  -- page views in the visit
      entry_page TEXT    NOT NULL,
      exit_page  TEXT    NOT NULL,
      country    TEXT,
      device     TEXT
    );
    CREATE INDEX visits_start ON visits (start);
    CREATE INDEX hits_host_ts ON hits (host, ts);
    -- Covering index for reports by day and country.
    CREATE INDEX hits_ts_kind_country ON hits (ts, kind, country, visitor);

    CREATE VIEW daily_views AS
      SELECT date(ts / 1000, 'unixepoch') AS day, host,
             count(*) AS views, count(DISTINCT visitor) AS visitors
        FROM hits WHERE kind = 'view' GROUP BY day, host;
    CREATE VIEW daily_countries AS
      SELECT date(ts / 1000, 'unixepoch') AS day, host, country,
             count(*) AS views, count(DISTINCT visitor) AS visitors
        FROM hits WHERE kind = 'view' GROUP BY day, host, country;
    CREATE VIEW top_pages AS
      SELECT host, path, count(*) AS views, count(DISTINCT visitor) AS visitors
        FROM hits WHERE kind = 'view' GROUP BY host, path ORDER BY views DESC;
    CREATE VIEW daily_visits AS
      SELECT date(start / 1000, 'unixepoch') AS day, host, count(*) AS visits,
             avg((end - start) / 1000.0) AS avg_seconds, avg(pages) AS avg_pages
        FROM visits GROUP BY day, host;
    )sql",
};

}  // namespace

struct SqliteHistory::Connection {
  explicit Connection(const std::string& path) : db(path) {
    db.exec("PRAGMA busy_timeout = 5000");
    // WAL: readers (the sqlite3 shell, a BI tool) never block the writer.
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
  }
  void prepare() {
    insert_hit = std::make_unique<sqlite::Statement>(
        db,
        "INSERT INTO hits (ts, visitor, kind, host, path, referrer, status, bytes, request_ms, "
        "country, city, device, browser, os) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
    insert_visit = std::make_unique<sqlite::Statement>(
        db,
        "INSERT INTO visits (visitor, host, start, end, pages, entry_page, exit_page, country, "
        "device) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    delete_hits = std::make_unique<sqlite::Statement>(
        db, "DELETE FROM hits WHERE rowid IN (SELECT rowid FROM hits WHERE ts < ?1 LIMIT ?2)");
    delete_visits = std::make_unique<sqlite::Statement>(
        db,
        "DELETE FROM visits WHERE rowid IN (SELECT rowid FROM visits WHERE start < ?1 LIMIT ?2)");
    save_position = std::make_unique<sqlite::Statement>(
        db,
        "INSERT INTO ring_cursor (id, generation, next_seq) VALUES (1, ?1, ?2) "
        "ON CONFLICT (id) DO UPDATE SET generation = excluded.generation, "
        "next_seq = excluded.next_seq");
  }

  sqlite::Database db;
  std::unique_ptr<sqlite::Statement> insert_hit;
  std::unique_ptr<sqlite::Statement> insert_visit;
  std::unique_ptr<sqlite::Statement> save_position;
  std::unique_ptr<sqlite::Statement> delete_hits;
  std::unique_ptr<sqlite::Statement> delete_visits;
};

SqliteHistory::SqliteHistory(const std::string& path) : path_(path) { open(); }

SqliteHistory::~SqliteHistory() = default;

void SqliteHistory::open() {
  connection_.reset();
  auto connection = std::make_unique<Connection>(path_);
  connection_ = std::move(connection);
  migrate();
  connection_->prepare();
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0) {
    device_ = st.st_dev;
    inode_ = st.st_ino;
  }
}

void SqliteHistory::follow_file() {
  if (!connection_) return open();  // a reopen failed earlier: try again
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0 && st.st_dev == device_ && st.st_ino == inode_) return;
  log::error("msg=\"history database was deleted or replaced; opening it anew\" db=" + path_);
  open();
}

void SqliteHistory::recover_from(const sqlite::SqliteError& error) {
  const int primary = error.code() & 0xff;
  if (primary != SQLITE_CORRUPT && primary != SQLITE_NOTADB) return;
  const std::string aside = path_ + ".corrupt-" + std::to_string(std::time(nullptr));
  log::error("msg=\"history database is corrupt; moving it aside and starting a new one\" db=" +
             path_ + " moved_to=" + aside);
  connection_.reset();
  std::rename(path_.c_str(), aside.c_str());
  for (const char* suffix : {"-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  open();
}

void SqliteHistory::migrate() {
  auto& db = connection_->db;
  const auto version = db.query_int("PRAGMA user_version");
  if (version > schema_version) {
    throw sqlite::SqliteError("database schema version " + std::to_string(version) +
                                  " is newer than this onlookerd (" +
                                  std::to_string(schema_version) + ")",
                              SQLITE_ERROR);
  }
  for (auto step = version; step < schema_version; ++step) {
    sqlite::Transaction transaction(db);
    db.exec(migrations[static_cast<std::size_t>(step)]);
    db.exec("PRAGMA user_version = " + std::to_string(step + 1));
    transaction.commit();
  }
}

std::optional<RingPosition> SqliteHistory::committed_position() {
  follow_file();
  sqlite::Statement query(connection_->db, "SELECT generation, next_seq FROM ring_cursor WHERE id = 1");
  if (!query.step()) return std::nullopt;
  return RingPosition{static_cast<std::uint64_t>(query.column_int(0)),
                      static_cast<std::uint64_t>(query.column_int(1))};
}

namespace {

void bind_text_or_null(sqlite::Statement& statement, int index, const std::string& text) {
  if (text.empty()) {
    statement.bind_null(index);
  } else {
    statement.bind(index, text);
  }
}

}  // namespace

void SqliteHistory::commit(const HistoryBatch& batch) {
  try {
    follow_file();
    write(batch);
  } catch (const sqlite::SqliteError& error) {
    recover_from(error);
    throw;
  }
}

void SqliteHistory::write(const HistoryBatch& batch) {
  sqlite::Transaction transaction(connection_->db);
  auto& insert = *connection_->insert_hit;
  for (const Hit& hit : batch.hits) {
    insert.bind(1, hit.ts_ms);
    insert.bind(2, to_hex(hit.visitor));
    insert.bind(3, to_string(hit.kind));
    insert.bind(4, hit.host);
    insert.bind(5, hit.path);
    bind_text_or_null(insert, 6, hit.referrer);
    insert.bind(7, static_cast<std::int64_t>(hit.status));
    insert.bind(8, static_cast<std::int64_t>(hit.bytes));
    insert.bind(9, static_cast<std::int64_t>(hit.request_ms));
    bind_text_or_null(insert, 10, hit.country_code);
    bind_text_or_null(insert, 11, hit.city);
    bind_text_or_null(insert, 12, hit.device);
    bind_text_or_null(insert, 13, hit.browser);
    bind_text_or_null(insert, 14, hit.os);
    insert.exec();
  }
  auto& visit_insert = *connection_->insert_visit;
  for (const Visit& visit : batch.visits) {
    visit_insert.bind(1, visit.visitor);
    visit_insert.bind(2, visit.host);
    visit_insert.bind(3, visit.start_ms);
    visit_insert.bind(4, visit.last_seen_ms);
    visit_insert.bind(5, visit.pages);
    visit_insert.bind(6, visit.entry_page);
    visit_insert.bind(7, visit.exit_page);
    bind_text_or_null(visit_insert, 8, visit.country);
    bind_text_or_null(visit_insert, 9, visit.device);
    visit_insert.exec();
  }
  // SQLite integers are signed: the 64-bit generation is stored bit for bit.
  auto& save_position = *connection_->save_position;
  save_position.bind(1, static_cast<std::int64_t>(batch.after.generation));
  save_position.bind(2, static_cast<std::int64_t>(batch.after.next_seq));
  save_position.exec();
  transaction.commit();
}

std::size_t SqliteHistory::delete_before(std::int64_t cutoff_ms, std::size_t limit) {
  follow_file();
  auto& db = connection_->db;
  sqlite::Transaction transaction(db);
  std::size_t deleted = 0;
  for (auto* statement : {connection_->delete_hits.get(), connection_->delete_visits.get()}) {
    statement->bind(1, cutoff_ms);
    statement->bind(2, static_cast<std::int64_t>(limit));
    statement->exec();
    deleted += static_cast<std::size_t>(sqlite3_changes(db.handle()));
  }
  transaction.commit();
  return deleted;
}

}  // namespace onlooker
