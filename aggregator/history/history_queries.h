// GET /api/history: views and visitors per hour or day, top pages and top
// countries for a range, read from the SQLite history's rollups. Visitors are
// unique per bucket; a list's visitors are those counts summed over the
// range's buckets. Queries run on their
// own read-only connection, on a worker thread, never on the I/O thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "country_names.h"
#include "sqlite_db.h"

namespace onlooker {

struct HistoryRequest {
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
  std::string host;  // empty: every site
  enum class Bucket { hour, day } bucket = Bucket::day;
  std::int64_t bucket_ms() const { return bucket == Bucket::hour ? 3'600'000 : 86'400'000; }
};

// Validates ?from=&to=&host=&bucket=. Defaults: the last 7 days, hourly
// buckets for ranges up to 3 days, daily beyond. The range is widened to
// whole buckets (UTC hours or days). Returns the request or a message for a
// 400 answer.
std::variant<HistoryRequest, std::string> parse_history_request(std::string_view query,
                                                                std::int64_t now_ms);

class HistoryQueries {
 public:
  explicit HistoryQueries(std::string db_path) : db_path_(std::move(db_path)) {}
  // The JSON answer. Throws sqlite::SqliteError when the database fails.
  std::string run(const HistoryRequest& request);

  static constexpr std::int64_t max_range_ms = 366LL * 86'400'000;

 private:
  sqlite::Database& db();

  std::string db_path_;
  std::unique_ptr<sqlite::Database> db_;  // opened on first use
  CountryNames country_names_;
};

}  // namespace onlooker
