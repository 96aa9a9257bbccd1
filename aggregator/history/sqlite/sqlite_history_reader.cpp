#include "sqlite_history_reader.h"

#include "filtered_counts.h"
#include "filtered_report.h"
#include "journey_report.h"
#include "person_view.h"
#include "sqlite_journey_reader.h"

#include <utility>

namespace onlooker {

sqlite::Database& SqliteHistoryReader::db() {
  if (!db_) {
    db_ = std::make_unique<sqlite::Database>(db_path_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
    db_->exec("PRAGMA busy_timeout = 2000");
  }
  return *db_;
}

HistoryReport SqliteHistoryReader::report(const HistoryRequest& request) {
  if (!request.filters.empty()) return filtered(request);
  // Rollups hold people's page views (bots left out) per hour and UTC day.
  const std::string where =
      " FROM rollups WHERE span = ?4 AND dimension = ?5 AND start >= ?1 AND start < ?2"
      " AND (?3 = '' OR host = ?3)";
  const std::string limit = " LIMIT " + std::to_string(request.top);
  auto bind = [&](sqlite::Statement& statement, RollupDimension dimension) {
    statement.bind(1, request.from_ms);
    statement.bind(2, request.to_ms);
    statement.bind(3, request.host);
    statement.bind(4, to_string(request.bucket));
    statement.bind(5, to_string(dimension));
  };
  auto entries = [&](sqlite::Statement& statement) {
    std::vector<HistoryReport::Entry> out;
    while (statement.step()) {
      out.push_back({statement.column_text(0), statement.column_int(1), statement.column_int(2)});
    }
    return out;
  };

  HistoryReport report;
  sqlite::Statement series(db(), "SELECT start, sum(views), sum(visitors)" + where +
                                     " GROUP BY start ORDER BY start");
  bind(series, RollupDimension::all);
  while (series.step()) {
    report.series.push_back({series.column_int(0), series.column_int(1), series.column_int(2)});
  }

  sqlite::Statement pages(db(), "SELECT value, sum(views) AS total, sum(visitors)" + where +
                                    " GROUP BY value ORDER BY total DESC, value" + limit);
  bind(pages, RollupDimension::path);
  report.pages = entries(pages);
  sqlite::Statement engaged(db(), std::string(page_engagement_sums_sql) +
                                      "WHERE path = ?1 AND start >= ?2 / 86400000 * 86400000 "
                                      "AND start < ?3 AND (?4 = '' OR host = ?4)");
  for (HistoryReport::Entry& page : report.pages) {
    engaged.bind(1, page.value);
    engaged.bind(2, request.from_ms);
    engaged.bind(3, request.to_ms);
    engaged.bind(4, request.host);
    if (engaged.step()) {
      page.engaged_views = engaged.column_int(0);
      page.engaged_ms = engaged.column_int(1);
      page.estimated_views = engaged.column_int(2);
    }
    engaged.reset();
  }

  sqlite::Statement countries(db(), "SELECT value, sum(views) AS total, sum(visitors)" + where +
                                        " AND value <> '' GROUP BY value "
                                        "ORDER BY total DESC, value" + limit);
  bind(countries, RollupDimension::country);
  report.countries = entries(countries);

  // Their rollup rows exist only for views with a value: no '' to leave out.
  for (auto [dimension, list] : {std::pair{RollupDimension::source, &report.sources},
                                 std::pair{RollupDimension::campaign, &report.campaigns}}) {
    sqlite::Statement top(db(), "SELECT value, sum(views) AS total, sum(visitors)" + where +
                                    " GROUP BY value ORDER BY total DESC, value" + limit);
    bind(top, dimension);
    *list = entries(top);
  }

  sqlite::Statement visits(db(), std::string(visit_sums_sql) +
                                     "WHERE start >= ?1 / 86400000 * 86400000 AND start < ?2 "
                                     "AND (?3 = '' OR host = ?3)");
  visits.bind(1, request.from_ms);
  visits.bind(2, request.to_ms);
  visits.bind(3, request.host);
  if (visits.step()) {
    report.visits = {visits.column_int(1), visits.column_int(2), visits.column_int(3),
                     visits.column_int(4), visits.column_int(5), visits.column_int(6),
                     visits.column_int(7)};
  }
  add_journeys(request, read_sqlite_journeys(db(), request), report);
  return report;
}

HistoryReport SqliteHistoryReader::filtered(const HistoryRequest& request) {
  const Placeholder mark = [](int n, bool) { return "?" + std::to_string(n); };
  const auto values = filtered_parameters(request);
  // One pass over the matching views, every list counted in C++
  // (filtered_counts.h; docs/BENCHMARKS.md has the A/B against a query per list).
  sqlite::Statement views(db(), filtered_views_sql(request, mark));
  for (std::size_t i = 0; i < values.size(); ++i) {
    const int n = static_cast<int>(i) + 1;
    if (n == 1 || n == 2) {
      views.bind(n, static_cast<std::int64_t>(std::stoll(*values[i])));
    } else {
      views.bind(n, *values[i]);
    }
  }
  FilteredCounts counts(request.bucket, request.top);
  FilteredCounts::Values row;
  while (views.step()) {
    for (std::size_t list = 0; list < FilteredCounts::lists; ++list) {
      row[list] = views.column_view(static_cast<int>(list) + 2);
    }
    counts.add(views.column_int(0), views.column_view(1), row);
  }
  HistoryReport report;
  counts.fill(report);
  return report;
}

std::vector<AlertRow> SqliteHistoryReader::alerts(std::int64_t from_ms, std::int64_t to_ms) {
  sqlite::Statement query(db(),
                          "SELECT rule, condition, value, state, time_ms, node FROM alerts "
                          "WHERE time_ms >= ?1 AND time_ms < ?2 ORDER BY time_ms, rowid");
  query.bind(1, from_ms);
  query.bind(2, to_ms);
  std::vector<AlertRow> rows;
  while (query.step()) {
    rows.push_back({query.column_text(0), query.column_text(1), query.column_double(2),
                    query.column_text(3), query.column_int(4), query.column_text(5)});
  }
  return rows;
}

std::int64_t SqliteHistoryReader::person_views(std::int64_t from_ms, std::int64_t to_ms) {
  sqlite::Statement query(db(), "SELECT count(*) FROM hits WHERE ts >= ?1 AND ts < ?2 AND " +
                                    std::string(person_view_sql));
  query.bind(1, from_ms);
  query.bind(2, to_ms);
  return query.step() ? query.column_int(0) : 0;
}

std::optional<std::int64_t> SqliteHistoryReader::first_hit_ms() {
  sqlite::Statement query(db(), "SELECT min(ts) FROM hits");
  if (!query.step() || query.column_is_null(0)) return std::nullopt;
  return query.column_int(0);
}

}  // namespace onlooker
