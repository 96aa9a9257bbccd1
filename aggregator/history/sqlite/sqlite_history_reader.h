// The SQLite history's reports (history_reader.h), read from the rollups on
// a read-only connection of their own, opened on first use.
#pragma once

#include <memory>
#include <string>

#include "history_reader.h"
#include "journey_report.h"
#include "sqlite_db.h"

namespace onlooker {

class SqliteHistoryReader final : public HistoryReader {
 public:
  explicit SqliteHistoryReader(std::string db_path) : db_path_(std::move(db_path)) {}
  // Throws sqlite::SqliteError when the database fails.
  HistoryReport report(const HistoryRequest& request) override;
  std::vector<AlertRow> alerts(std::int64_t from_ms, std::int64_t to_ms) override;
  std::int64_t person_views(std::int64_t from_ms, std::int64_t to_ms) override;
  std::optional<std::int64_t> first_hit_ms() override;

 private:
  sqlite::Database& db();
  // A report with filters, from hits (filtered_report.h).
  HistoryReport filtered(const HistoryRequest& request);

  std::string db_path_;
  std::unique_ptr<sqlite::Database> db_;
};

}  // namespace onlooker
