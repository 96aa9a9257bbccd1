// GET /api/history's reports from PostgreSQL's rollups: the sibling of
// SqliteHistoryReader. Connects on first use and again after a failure.
#pragma once

#include <memory>
#include <string>

#include "history_reader.h"
#include "pg_connection.h"

namespace onlooker {

class PgHistoryReader : public HistoryReader {
 public:
  explicit PgHistoryReader(std::string conninfo) : conninfo_(std::move(conninfo)) {}
  HistoryReport report(const HistoryRequest& request) override;
  std::vector<AlertRow> alerts(std::int64_t from_ms, std::int64_t to_ms) override;
  std::int64_t person_views(std::int64_t from_ms, std::int64_t to_ms) override;
  std::optional<std::int64_t> first_hit_ms() override;

 private:
  // Runs `work` on the connection (opened on first use); drops it when it
  // fails so the next call reconnects.
  template <class Work>
  auto with_connection(Work work);
  HistoryReport read(pg::Connection& db, const HistoryRequest& request);
  // A report with filters, from hits (filtered_report.h).
  HistoryReport filtered(pg::Connection& db, const HistoryRequest& request);
  std::string conninfo_;
  std::unique_ptr<pg::Connection> connection_;
};

}  // namespace onlooker
