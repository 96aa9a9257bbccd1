// The SQLite history: schema, migrations and the batched, exactly-once
// writer. One writer connection, used from the drain thread only.
#pragma once

#include <memory>
#include <string>

#include "history_sink.h"
#include "sqlite_db.h"

namespace onlooker {

class SqliteHistory final : public HistorySink {
 public:
  // Opens (creating) the database, sets WAL, migrates the schema. Throws
  // sqlite::SqliteError with a message for the operator.
  explicit SqliteHistory(const std::string& path);

  std::optional<RingPosition> committed_position() override;
  void commit(const HistoryBatch& batch) override;
  std::size_t delete_before(std::int64_t cutoff_ms, std::size_t limit) override;

  static constexpr int schema_version = 2;

 private:
  void migrate();

  sqlite::Database db_;
  std::unique_ptr<sqlite::Statement> insert_hit_;
  std::unique_ptr<sqlite::Statement> insert_visit_;
  std::unique_ptr<sqlite::Statement> save_position_;
  std::unique_ptr<sqlite::Statement> delete_hits_;
  std::unique_ptr<sqlite::Statement> delete_visits_;
};

}  // namespace onlooker
