#include "sqlite_statements.h"

#include <string>
#include <string_view>

namespace onlooker {
namespace {

// "INSERT INTO table (columns) VALUES (?, ...), ..." for `rows` rows.
std::string insert_rows_sql(std::string_view into, int columns, std::size_t rows) {
  std::string sql = "INSERT INTO " + std::string(into) + " VALUES ";
  for (std::size_t row = 0; row < rows; ++row) {
    sql += row == 0 ? "(" : ", (";
    for (int column = 0; column < columns; ++column) sql += column == 0 ? "?" : ", ?";
    sql += ")";
  }
  return sql;
}

std::string insert_hits_sql(std::size_t rows) {
  return insert_rows_sql(
      "hits (ts, visitor, kind, host, path, referrer, status, bytes, request_ms, country, city, "
      "device, browser, os, visible_ms, utm_source, utm_medium, utm_campaign, ref, source, "
      "source_name, referrer_host)",
      hit_columns, rows);
}

std::string insert_visits_sql(std::size_t rows) {
  return insert_rows_sql(
      "visits (visitor, host, start, end, pages, entry_page, exit_page, country, device, "
      "engaged_ms, engaged_estimated, bounce, utm_source, utm_medium, utm_campaign, ref, source, "
      "source_name, referrer_host)",
      visit_columns, rows);
}

}  // namespace

SqliteStatements::SqliteStatements(sqlite::Database& db)
    : db(db),
      insert_hit(db, insert_hits_sql(1)),
      insert_hits(db, insert_hits_sql(rows_per_insert)),
      insert_visit(db, insert_visits_sql(1)),
      insert_visits(db, insert_visits_sql(rows_per_insert)),
      save_position(db,
                    "INSERT INTO ring_cursor (id, generation, next_seq) VALUES (1, ?1, ?2) "
                    "ON CONFLICT (id) DO UPDATE SET generation = excluded.generation, "
                    "next_seq = excluded.next_seq"),
      upsert_rollup(db,
                    "INSERT INTO rollups (span, start, dimension, host, value, views, visitors) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO UPDATE SET "
                    "views = views + excluded.views, visitors = visitors + excluded.visitors"),
      upsert_visit_rollup(
          db,
          "INSERT INTO visit_rollups (start, host, visits, duration_ms, pages, engaged_visits, "
          "engaged_pages, engaged_ms, bounces) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?7, ?8) "
          "ON CONFLICT DO UPDATE SET "
          "visits = visits + excluded.visits, duration_ms = duration_ms + excluded.duration_ms, "
          "pages = pages + excluded.pages, engaged_visits = engaged_visits + "
          "excluded.engaged_visits, engaged_pages = engaged_pages + excluded.engaged_pages, "
          "engaged_ms = engaged_ms + excluded.engaged_ms, "
          "bounces = bounces + excluded.bounces"),
      upsert_journey_rollup(
          db,
          "INSERT INTO journey_rollups (span, start, host, from_path, to_path, views) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO UPDATE SET views = views + "
          "excluded.views"),
      upsert_page_engagement(
          db,
          "INSERT INTO page_engagement_rollups (start, host, path, views, engaged_ms, "
          "estimated_views) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO UPDATE SET "
          "views = views + excluded.views, engaged_ms = engaged_ms + excluded.engaged_ms, "
          "estimated_views = estimated_views + excluded.estimated_views"),
      bucket_has_hits(db, "SELECT EXISTS (SELECT 1 FROM hits WHERE ts >= ?1 AND ts < ?2)"),
      select_uncounted(db,
                       "SELECT rowid, ts, kind, host, path, coalesce(country, ''), "
                       "coalesce(device, ''), visitor, coalesce(source, ''), "
                       "coalesce(utm_campaign, '') FROM hits WHERE rowid > ?1 ORDER BY rowid "
                       "LIMIT ?2"),
      save_rollup_cursor(db, "UPDATE rollup_cursor SET hit = ?1"),
      select_rollup_cursor(db, "SELECT hit FROM rollup_cursor"),
      select_last_hit(db, "SELECT coalesce(max(rowid), 0) FROM hits"),
      delete_hits(db,
                  "DELETE FROM hits WHERE rowid IN (SELECT rowid FROM hits WHERE ts < ?1 LIMIT ?2)"),
      delete_visits(
          db,
          "DELETE FROM visits WHERE rowid IN (SELECT rowid FROM visits WHERE start < ?1 LIMIT ?2)"),
      // Rollup rows go once their whole hour, day or month is older than the cutoff.
      delete_rollups(
          db,
          "DELETE FROM rollups WHERE (span, dimension, start, host, value) IN ("
          "SELECT span, dimension, start, host, value FROM rollups WHERE span = 'hour' AND "
          "start <= ?1 - 3600000 UNION ALL SELECT span, dimension, start, host, value FROM "
          "rollups WHERE span = 'day' AND start <= ?1 - 86400000 LIMIT ?2)"),
      delete_visit_rollups(
          db,
          "DELETE FROM visit_rollups WHERE (start, host) IN (SELECT start, host FROM "
          "visit_rollups WHERE start <= ?1 - 86400000 LIMIT ?2)"),
      delete_journey_rollups(
          db,
          "DELETE FROM journey_rollups WHERE (span, start, host, from_path, to_path) IN (SELECT "
          "span, start, host, from_path, to_path FROM journey_rollups WHERE span = 'day' AND "
          "start <= ?1 - 86400000 UNION ALL SELECT span, start, host, from_path, to_path FROM "
          "journey_rollups WHERE span = 'month' AND start < strftime('%s', ?1 / 1000, 'unixepoch', "
          "'start of month') * 1000 LIMIT ?2)"),
      delete_page_engagement(
          db,
          "DELETE FROM page_engagement_rollups WHERE (path, start, host) IN (SELECT path, start, "
          "host FROM page_engagement_rollups WHERE start <= ?1 - 86400000 LIMIT ?2)") {}

}  // namespace onlooker
