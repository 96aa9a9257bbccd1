#include "sqlite_history.h"

#include <sys/stat.h>

#include <cstdio>
#include <ctime>
#include <optional>

#include "log.h"
#include "sqlite_batch_writer.h"
#include "sqlite_retention.h"
#include "sqlite_statements.h"

namespace onlooker {

struct SqliteHistory::Connection {
  explicit Connection(const std::string& path) : db(path) {
    db.exec("PRAGMA busy_timeout = 5000");
    // WAL: readers (the sqlite3 shell, a BI tool) never block the writer.
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
  }
  sqlite::Database db;
  std::optional<SqliteStatements> statements;  // once the schema is current
};

SqliteHistory::SqliteHistory(const std::string& path) : path_(path), counter_(path) { open(); }

SqliteHistory::~SqliteHistory() { counter_.close(); }

void SqliteHistory::open() {
  counter_.close();
  connection_.reset();
  auto connection = std::make_unique<Connection>(path_);
  migrate_sqlite_schema(connection->db, path_);
  connection->statements.emplace(connection->db);
  connection_ = std::move(connection);
  counter_.open(*connection_->statements);
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
  counter_.close();
  connection_.reset();
  std::rename(path_.c_str(), aside.c_str());
  for (const char* suffix : {"-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  open();
}

template <class Job>
auto SqliteHistory::guarded(Job job) {
  try {
    follow_file();
    return job();
  } catch (const sqlite::SqliteError& error) {
    recover_from(error);
    throw;
  }
}

std::optional<RingPosition> SqliteHistory::committed_position() {
  follow_file();
  sqlite::Statement query(connection_->db, "SELECT generation, next_seq FROM ring_cursor WHERE id = 1");
  if (!query.step()) return std::nullopt;
  return RingPosition{static_cast<std::uint64_t>(query.column_int(0)),
                      static_cast<std::uint64_t>(query.column_int(1))};
}

void SqliteHistory::commit(const HistoryBatch& batch) {
  guarded([&] { write(batch); });
}

// The batch's rows, its ring position and what it adds to the rollups, in
// one transaction: all or nothing.
void SqliteHistory::write(const HistoryBatch& batch) {
  auto& statements = *connection_->statements;
  sqlite::Transaction transaction(connection_->db);
  SqliteRollupCounter::Step counting(counter_);
  counter_.count_batch(batch.hits);
  insert_hits(statements, batch.hits);
  counter_.stored_batch(batch.hits.empty() ? std::nullopt
                                           : std::optional(connection_->db.last_insert_rowid()),
                        batch.visits);
  insert_visits(statements, batch.visits);
  save_ring_position(statements, batch.after);
  transaction.commit();
  counting.commit();
}

void SqliteHistory::record_alerts(std::span<const AlertRow> alerts) {
  guarded([&] {
    sqlite::Transaction transaction(connection_->db);
    sqlite::Statement insert(connection_->db,
                             "INSERT INTO alerts (rule, condition, value, state, time_ms, node) "
                             "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    for (const AlertRow& alert : alerts) {
      insert.bind(1, alert.rule);
      insert.bind(2, alert.condition);
      insert.bind_double(3, alert.value);
      insert.bind(4, alert.state);
      insert.bind(5, alert.time_ms);
      insert.bind(6, alert.node);
      insert.exec();
    }
    transaction.commit();
  });
}

void SqliteHistory::catch_up() {
  if (!counter_.lagging()) return;
  guarded([&] {
    if (!counter_.can_catch_up()) return;
    sqlite::Transaction transaction(connection_->db);
    SqliteRollupCounter::Step counting(counter_);
    if (!counter_.catch_up_step()) return;
    transaction.commit();
    counting.commit();
  });
}

std::size_t SqliteHistory::delete_before(std::int64_t cutoff_ms, std::size_t limit,
                                        const HostFilter& hosts) {
  follow_file();
  sqlite::Transaction transaction(connection_->db);
  SqliteRollupCounter::Step counting(counter_);
  const std::size_t deleted = delete_rows_before(*connection_->statements, cutoff_ms, limit, hosts);
  counter_.deleted_hits();
  transaction.commit();
  counting.commit();
  return deleted;
}

}  // namespace onlooker
