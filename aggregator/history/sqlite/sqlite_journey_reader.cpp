#include "sqlite_journey_reader.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>

#include "journey_plan.h"

namespace onlooker {

namespace {

JourneyDays stored_days(sqlite::Database& db) {
  sqlite::Statement query(db,
                          "SELECT (SELECT min(start) FROM journey_rollups WHERE span = 'day'), "
                          "(SELECT max(start) FROM journey_rollups WHERE span = 'day')");
  JourneyDays days;
  if (query.step() && !query.column_is_null(0)) {
    days.first_day_ms = query.column_int(0);
    days.last_day_ms = query.column_int(1);
  }
  return days;
}

// Whether every day row of the month is still there for each site the
// month row counts (the one asked for, or all). Retention deletes a site's
// month rows once the whole month is older than its cutoff, and its day
// rows by the day: so while the site has a month row from before this
// month, none of this month's days has gone.
bool month_is_whole(sqlite::Database& db, std::int64_t month_ms, const std::string& host) {
  sqlite::Statement query(
      db,
      "SELECT NOT EXISTS (SELECT 1 FROM (SELECT DISTINCT host FROM journey_rollups "
      "WHERE span = 'month' AND start = ?1 AND (?2 = '' OR host = ?2)) AS site "
      "WHERE NOT EXISTS (SELECT 1 FROM journey_rollups AS earlier WHERE earlier.span = 'month' "
      "AND earlier.start < ?1 AND earlier.host = site.host))");
  query.bind(1, month_ms);
  query.bind(2, host);
  return query.step() && query.column_int(0) != 0;
}

class ReadSnapshot {
 public:
  explicit ReadSnapshot(sqlite::Database& db) : db_(db) { db_.exec("BEGIN"); }
  ~ReadSnapshot() {
    try {
      db_.exec("COMMIT");
    } catch (const sqlite::SqliteError&) {  // nothing written: nothing to lose
    }
  }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  sqlite::Database& db_;
};

// (from, to) pairs keyed by from's length, from, to (paths may hold any
// byte): looked up with a reused buffer, so summing a row allocates nothing
// once its pair is known.
struct PairHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
};
using PairSums = std::unordered_map<std::string, std::int64_t, PairHash, std::equal_to<>>;

}  // namespace

std::vector<JourneySum> read_sqlite_journeys(sqlite::Database& db, const HistoryRequest& request) {
  // One snapshot for the plan and every part: a batch committed between
  // the month rows and the days read minus would be counted in one only.
  ReadSnapshot snapshot(db);
  const std::vector<JourneyPart> parts =
      plan_journey_parts(journey_range(request), stored_days(db), [&](std::int64_t month) {
        return month_is_whole(db, month, request.host);
      });
  sqlite::Statement query(db,
                          "SELECT from_path, to_path, views FROM journey_rollups WHERE span = ?1 "
                          "AND start >= ?2 AND start < ?3 AND (?4 = '' OR host = ?4)");
  PairSums sums;
  sums.reserve(8192);
  std::string key;
  for (const JourneyPart& part : parts) {
    query.reset();
    query.bind(1, to_string(part.span));
    query.bind(2, part.from_ms);
    query.bind(3, part.to_ms);
    query.bind(4, request.host);
    while (query.step()) {
      const std::string_view from = query.column_view(0);
      const auto from_size = static_cast<std::uint32_t>(from.size());
      key.assign(reinterpret_cast<const char*>(&from_size), sizeof from_size);
      key.append(from);
      key.append(query.column_view(1));
      const std::int64_t views = part.sign * query.column_int(2);
      if (auto found = sums.find(std::string_view(key)); found != sums.end()) {
        found->second += views;
      } else {
        sums.emplace(key, views);
      }
    }
  }
  std::vector<JourneySum> out;
  out.reserve(sums.size());
  for (const auto& [pair, views] : sums) {
    if (views == 0) continue;  // only in the days read minus
    std::uint32_t from_size = 0;
    std::memcpy(&from_size, pair.data(), sizeof from_size);
    out.push_back({pair.substr(sizeof from_size, from_size),
                   pair.substr(sizeof from_size + from_size), views});
  }
  return out;
}

}  // namespace onlooker
