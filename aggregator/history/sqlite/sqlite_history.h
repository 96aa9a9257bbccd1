// The SQLite history: the HistorySink the drain loop writes to. One writer
// connection, used from the drain thread only; the jobs are in files of
// their own: schema (sqlite_schema.h), rows (sqlite_batch_writer.h),
// rollups (sqlite_rollup_counter.h), retention (sqlite_retention.h), and
// the SQL they run (sqlite_statements.h). This file follows the database
// file: one deleted or replaced under it is noticed at the next commit and
// opened anew; a corrupt one is moved aside (PATH.corrupt-TS) and replaced
// by a new, empty one. Either way the failing batch is retried, and what it
// holds stays in the ring until then.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "history_sink.h"
#include "sqlite_db.h"
#include "sqlite_rollup_counter.h"
#include "sqlite_schema.h"

namespace onlooker {

class SqliteHistory final : public HistorySink {
 public:
  // Opens (creating) the database, sets WAL, migrates the schema. Throws
  // sqlite::SqliteError with a message for the operator.
  explicit SqliteHistory(const std::string& path);
  ~SqliteHistory() override;

  std::optional<RingPosition> committed_position() override;
  void commit(const HistoryBatch& batch) override;
  using HistorySink::delete_before;
  std::size_t delete_before(std::int64_t cutoff_ms, std::size_t limit,
                            const HostFilter& hosts) override;
  void record_alerts(std::span<const AlertRow> alerts) override;
  // Counts a step of stored hits into the rollups if they lag behind and
  // the sets that needs have loaded.
  void catch_up() override;
  std::uint64_t catch_up_backlog() const override {
    return static_cast<std::uint64_t>(rollups_behind());
  }

  static constexpr int schema_version = sqlite_schema_version;

  // Hits stored but not counted in the rollups yet.
  std::int64_t rollups_behind() const { return counter_.behind(); }

 private:
  struct Connection;
  void open();
  // Reopens when the file at path_ is no longer the one that is open.
  void follow_file();
  void recover_from(const sqlite::SqliteError& error);
  void write(const HistoryBatch& batch);
  // Runs `job` through follow_file(); a corrupt file is replaced before the
  // error goes on to the caller.
  template <class Job>
  auto guarded(Job job);

  std::string path_;
  std::unique_ptr<Connection> connection_;
  dev_t device_ = 0;
  ino_t inode_ = 0;
  SqliteRollupCounter counter_;
};

}  // namespace onlooker
