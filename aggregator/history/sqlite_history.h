// The SQLite history: schema, migrations and the batched, exactly-once
// writer. One writer connection, used from the drain thread only.
// A database file deleted or replaced under it is noticed at the next
// commit and opened anew; a corrupt one is moved aside (PATH.corrupt-TS) and
// replaced by a new, empty one. Either way the failing batch is retried, and
// what it holds stays in the ring until then.
// Each batch also adds to the hourly and daily rollups (history_rollups.h)
// in the same transaction, unless the rollups lag behind: after a restart,
// the visitors already counted today load in the background (a second or so
// per 2.5 million views stored today) while batches are stored without
// their rollups; those hits are then read back and counted in rowid order,
// a step per commit or per catch_up() (rollup_cursor says how far).
#pragma once

#include <sys/types.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "history_rollups.h"
#include "history_sink.h"
#include "rollup_set_loader.h"
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
  // Counts a step of stored hits into the rollups if they lag behind and
  // the sets that needs have loaded.
  void catch_up() override;
  std::uint64_t catch_up_backlog() const override {
    return static_cast<std::uint64_t>(rollups_behind());
  }

  static constexpr int schema_version = 4;

  // Hits stored but not counted in the rollups yet.
  std::int64_t rollups_behind() const { return last_hit_ - counted_until_; }

 private:
  struct Connection;
  void open();
  void migrate();
  // Reopens when the file at path_ is no longer the one that is open.
  void follow_file();
  void recover_from(const sqlite::SqliteError& error);
  void write(const HistoryBatch& batch);
  void write_visits(std::span<const Visit> visits);
  bool lagging() const { return counted_until_ < last_hit_; }
  // Hands the rollups the sets loaded since; sets of other files are dropped.
  void take_loaded();
  void load_in_background(const std::vector<RollupBucket>& buckets);
  // Provides the sets `hits` need that can be had at once (buckets with no
  // stored hits); true if none is left to load.
  bool provide_sets(std::span<const Hit> hits);
  // Counts the next catch_up_hits stored hits past the cursor, if their sets
  // are in memory (else asks for them); returns the new cursor.
  std::int64_t count_stored_hits();
  void upsert_rollups(const std::vector<RollupDelta>& deltas);
  void save_rollup_cursor(std::int64_t hit);
  // After a commit: what it stored and counted (logs when the rollups catch up).
  void committed(std::int64_t last_hit, std::int64_t counted_until);

  // Confirms the rollups' additions once the transaction commits, else
  // undoes them.
  struct UndoUnlessCommitted {
    HistoryRollups& rollups;
    bool committed = false;
    ~UndoUnlessCommitted() { committed ? rollups.confirm() : rollups.undo(); }
  };

  std::string path_;
  std::unique_ptr<Connection> connection_;
  dev_t device_ = 0;
  ino_t inode_ = 0;
  HistoryRollups rollups_;
  RollupSetLoader loader_;
  std::uint64_t epoch_ = 0;           // bumped whenever the file is opened anew
  std::set<RollupBucket> loading_;    // asked of loader_, not back yet
  std::int64_t counted_until_ = 0;    // rollup_cursor as committed
  std::int64_t last_hit_ = 0;         // the newest hit's rowid as committed
};

}  // namespace onlooker
