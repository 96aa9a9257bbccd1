#include "sqlite_retention.h"

#include <array>

namespace onlooker {

namespace {

// Host patterns are [a-z0-9.-] behind an optional "*.": no GLOB
// metacharacter but the star, which must stand for one character or more.
std::string glob(const std::string& pattern) {
  return pattern.starts_with("*.") ? "?" + pattern : pattern;
}

// " AND (host GLOB ?3 OR …) AND NOT (host GLOB ?n OR …)", numbered from ?3.
std::string filter_sql(const HostFilter& hosts) {
  int next = 3;
  auto any = [&](const std::vector<std::string>& patterns) {
    std::string out;
    for (std::size_t i = 0; i < patterns.size(); ++i) {
      out += (i == 0 ? "(" : " OR ") + std::string("host GLOB ?") + std::to_string(next++);
    }
    return out + ")";
  };
  std::string out;
  if (!hosts.only.empty()) out += " AND " + any(hosts.only);
  if (!hosts.except.empty()) out += " AND NOT " + any(hosts.except);
  return out;
}

std::size_t run(sqlite::Statement& statement, SqliteStatements& statements,
                std::int64_t cutoff_ms, std::size_t limit, const HostFilter& hosts) {
  statement.bind(1, cutoff_ms);
  statement.bind(2, static_cast<std::int64_t>(limit));
  int index = 3;
  for (const auto* list : {&hosts.only, &hosts.except}) {
    for (const auto& pattern : *list) statement.bind(index++, glob(pattern));
  }
  statement.exec();
  return static_cast<std::size_t>(statements.db.changes());
}

}  // namespace

std::size_t delete_rows_before(SqliteStatements& statements, std::int64_t cutoff_ms,
                               std::size_t limit, const HostFilter& hosts) {
  std::size_t deleted = 0;
  // Alerts are no one site's: they follow --retention-days, the policy of
  // the call that names no site (only the sites it excepts).
  if (hosts.only.empty()) {
    sqlite::Statement alerts(statements.db,
                             "DELETE FROM alerts WHERE rowid IN (SELECT rowid FROM alerts WHERE "
                             "time_ms < ?1 LIMIT ?2)");
    deleted += run(alerts, statements, cutoff_ms, limit, HostFilter{});
  }
  if (hosts.everything()) {
    for (sqlite::Statement* statement :
         {&statements.delete_hits, &statements.delete_visits, &statements.delete_rollups,
          &statements.delete_visit_rollups, &statements.delete_journey_rollups,
          &statements.delete_page_engagement}) {
      deleted += run(*statement, statements, cutoff_ms, limit, hosts);
    }
    return deleted;
  }
  // The same statements as sqlite_statements.cpp's, with the filter.
  const std::string where = filter_sql(hosts);
  const std::array<std::string, 6> sql = {
      "DELETE FROM hits WHERE rowid IN (SELECT rowid FROM hits WHERE ts < ?1" + where +
          " LIMIT ?2)",
      "DELETE FROM visits WHERE rowid IN (SELECT rowid FROM visits WHERE start < ?1" + where +
          " LIMIT ?2)",
      "DELETE FROM rollups WHERE (span, dimension, start, host, value) IN (SELECT span, "
      "dimension, start, host, value FROM rollups WHERE span = 'hour' AND start <= ?1 - "
      "3600000" + where + " UNION ALL SELECT span, dimension, start, host, value FROM rollups "
      "WHERE span = 'day' AND start <= ?1 - 86400000" + where + " LIMIT ?2)",
      "DELETE FROM visit_rollups WHERE (start, host) IN (SELECT start, host FROM visit_rollups "
      "WHERE start <= ?1 - 86400000" + where + " LIMIT ?2)",
      "DELETE FROM journey_rollups WHERE (span, start, host, from_path, to_path) IN (SELECT "
      "span, start, host, from_path, to_path FROM journey_rollups WHERE span = 'day' AND "
      "start <= ?1 - 86400000" + where + " UNION ALL SELECT span, start, host, from_path, "
      "to_path FROM journey_rollups WHERE span = 'month' AND start < strftime('%s', ?1 / 1000, "
      "'unixepoch', 'start of month') * 1000" + where + " LIMIT ?2)",
      "DELETE FROM page_engagement_rollups WHERE (path, start, host) IN (SELECT path, start, "
      "host FROM page_engagement_rollups WHERE start <= ?1 - 86400000" + where + " LIMIT ?2)",
  };
  for (const auto& text : sql) {
    sqlite::Statement statement(statements.db, text);
    deleted += run(statement, statements, cutoff_ms, limit, hosts);
  }
  return deleted;
}

}  // namespace onlooker
