#include "recent_hits.h"

#include <algorithm>
#include <filesystem>

#include "sqlite_db.h"

namespace onlooker {

namespace {

// Hits are stored in about the order of their times (workers finish out of
// order by a request's duration at most): reading back from the newest row,
// the scan stops this long before `since` instead of reading the table.
constexpr std::int64_t out_of_order_slack_ms = 60'000;

}  // namespace

std::vector<Hit> read_recent_hits(const std::string& db_path, std::int64_t since_ms) {
  std::vector<Hit> hits;
  if (!std::filesystem::exists(db_path)) return hits;
  sqlite::Database db(db_path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
  if (db.query_int("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'hits'") ==
      0) {
    return hits;
  }
  sqlite::Statement rows(db, R"sql(
    SELECT ts, visitor, kind, host, path, coalesce(referrer, ''), status, coalesce(country, ''),
           coalesce(city, ''), coalesce(device, ''), coalesce(browser, ''), coalesce(os, ''),
           coalesce(source, ''), coalesce(utm_campaign, '')
    FROM hits ORDER BY rowid DESC)sql");
  while (rows.step()) {
    const std::int64_t ts = rows.column_int(0);
    if (ts < since_ms - out_of_order_slack_ms) break;
    Hit hit;
    if (ts < since_ms || !from_hex(rows.column_view(1), hit.visitor) ||
        !from_string(rows.column_view(2), hit.kind)) {
      continue;
    }
    hit.ts_ms = ts;
    hit.host = rows.column_text(3);
    hit.path = rows.column_text(4);
    hit.referrer = rows.column_text(5);
    hit.status = static_cast<std::uint16_t>(rows.column_int(6));
    hit.country_code = rows.column_text(7);
    hit.city = rows.column_text(8);
    hit.device = rows.column_text(9);
    hit.browser = rows.column_text(10);
    hit.os = rows.column_text(11);
    hit.source_group = rows.column_text(12);
    hit.campaign.name = rows.column_text(13);
    hits.push_back(std::move(hit));
  }
  std::reverse(hits.begin(), hits.end());
  return hits;
}

}  // namespace onlooker
