// The SQLite history: schema, migrations and the batched, exactly-once
// writer. One writer connection, used from the drain thread only.
// A database file deleted or replaced under it is noticed at the next
// commit and opened anew; a corrupt one is moved aside (PATH.corrupt-TS) and
// replaced by a new, empty one. Either way the failing batch is retried, and
// what it holds stays in the ring until then.
// Each batch also adds to the hourly and daily rollups (history_rollups.h)
// in the same transaction.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "history_rollups.h"
#include "history_sink.h"
#include "sqlite_db.h"

namespace onlooker {

class SqliteHistory final : public HistorySink {
 public:
  // Opens (creating) the database, sets WAL, migrates the schema. Throws
  // sqlite::SqliteError with a message for the operator.
  explicit SqliteHistory(const std::string& path);
  ~SqliteHistory() override;

  std::optional<RingPosition> committed_position() override;
  void commit(const HistoryBatch& batch) override;
  std::size_t delete_before(std::int64_t cutoff_ms, std::size_t limit) override;

  static constexpr int schema_version = 3;

  // Visitors held in memory to count unique visitors per bucket.
  std::size_t rollup_entries() const { return rollups_.counted_entries(); }

 private:
  struct Connection;
  void open();
  void migrate();
  // Reopens when the file at path_ is no longer the one that is open.
  void follow_file();
  void recover_from(const sqlite::SqliteError& error);
  void write(const HistoryBatch& batch);
  void write_visits(std::span<const Visit> visits);
  void load_views(std::int64_t from_ms, std::int64_t to_ms,
                  const std::function<void(const CountedView&)>& each);

  std::string path_;
  std::unique_ptr<Connection> connection_;
  dev_t device_ = 0;
  ino_t inode_ = 0;
  HistoryRollups rollups_;
};

}  // namespace onlooker
