#include "pg_history_reader.h"

#include "filtered_counts.h"
#include "filtered_report.h"
#include "journey_report.h"
#include "person_view.h"

#include <utility>
#include "pg_sql.h"

namespace onlooker {

template <class Work>
auto PgHistoryReader::with_connection(Work work) {
  try {
    if (!connection_) connection_ = std::make_unique<pg::Connection>(conninfo_);
    return work(*connection_);
  } catch (const pg::PgError&) {
    connection_.reset();
    throw;
  }
}

HistoryReport PgHistoryReader::report(const HistoryRequest& request) {
  return with_connection([&](pg::Connection& db) { return read(db, request); });
}

std::vector<AlertRow> PgHistoryReader::alerts(std::int64_t from_ms, std::int64_t to_ms) {
  return with_connection([&](pg::Connection& db) {
    const auto result = db.query(std::string(pg_sql::select_alerts),
                                 {std::to_string(from_ms), std::to_string(to_ms)});
    std::vector<AlertRow> rows;
    for (int row = 0; row < PQntuples(result.get()); ++row) {
      auto text = [&](int column) { return std::string(PQgetvalue(result.get(), row, column)); };
      rows.push_back({text(0), text(1), std::stod(text(2)), text(3), std::stoll(text(4)), text(5)});
    }
    return rows;
  });
}

std::int64_t PgHistoryReader::person_views(std::int64_t from_ms, std::int64_t to_ms) {
  return with_connection([&](pg::Connection& db) -> std::int64_t {
    const auto result = db.query("SELECT count(*) FROM hits WHERE ts >= $1::bigint AND ts < "
                                 "$2::bigint AND " + std::string(person_view_sql),
                                 {std::to_string(from_ms), std::to_string(to_ms)});
    return std::stoll(PQgetvalue(result.get(), 0, 0));
  });
}

std::optional<std::int64_t> PgHistoryReader::first_hit_ms() {
  return with_connection([&](pg::Connection& db) -> std::optional<std::int64_t> {
    const auto result = db.query("SELECT min(ts) FROM hits");
    if (PQgetisnull(result.get(), 0, 0)) return std::nullopt;
    return std::stoll(PQgetvalue(result.get(), 0, 0));
  });
}

HistoryReport PgHistoryReader::filtered(pg::Connection& db, const HistoryRequest& request) {
  const Placeholder mark = [](int n, bool number) {
    return "$" + std::to_string(n) + (number ? "::bigint" : "");
  };
  // One pass over the matching views, every list counted in C++
  // (filtered_counts.h), read through a cursor a slice at a time so that a
  // long range's views are never all in memory.
  pg::Transaction transaction(db);
  db.query("DECLARE filtered_views NO SCROLL CURSOR FOR " + filtered_views_sql(request, mark),
           filtered_parameters(request));
  FilteredCounts counts(request.bucket, request.top);
  FilteredCounts::Values row;
  for (;;) {
    const auto slice = db.query("FETCH FORWARD 20000 FROM filtered_views");
    const int rows = PQntuples(slice.get());
    if (rows == 0) break;
    for (int r = 0; r < rows; ++r) {
      auto text = [&](int column) {
        return std::string_view(PQgetvalue(slice.get(), r, column),
                                static_cast<std::size_t>(PQgetlength(slice.get(), r, column)));
      };
      for (std::size_t list = 0; list < FilteredCounts::lists; ++list) {
        row[list] = text(static_cast<int>(list) + 2);
      }
      counts.add(std::stoll(PQgetvalue(slice.get(), r, 0)), text(1), row);
    }
  }
  transaction.commit();
  HistoryReport report;
  counts.fill(report);
  return report;
}

HistoryReport PgHistoryReader::read(pg::Connection& db, const HistoryRequest& request) {
  if (!request.filters.empty()) return filtered(db, request);
  const std::string where(pg_sql::report_where);
  const std::string limit = " LIMIT " + std::to_string(request.top);
  auto params = [&](RollupDimension dimension) -> std::vector<std::optional<std::string>> {
    return {std::to_string(request.from_ms), std::to_string(request.to_ms), request.host,
            std::string(to_string(request.bucket)), std::string(to_string(dimension))};
  };
  auto number = [](const pg::Result& result, int row, int column) -> std::int64_t {
    return std::stoll(PQgetvalue(result.get(), row, column));
  };
  auto entries = [&](const pg::Result& result) {
    std::vector<HistoryReport::Entry> out;
    for (int row = 0; row < PQntuples(result.get()); ++row) {
      out.push_back({PQgetvalue(result.get(), row, 0), number(result, row, 1),
                     number(result, row, 2)});
    }
    return out;
  };

  HistoryReport report;
  const auto series = db.query("SELECT start, sum(views), sum(visitors)" + where +
                                   " GROUP BY start ORDER BY start",
                               params(RollupDimension::all));
  for (int row = 0; row < PQntuples(series.get()); ++row) {
    report.series.push_back({number(series, row, 0), number(series, row, 1), number(series, row, 2)});
  }
  report.pages = entries(db.query("SELECT value, sum(views) AS total, sum(visitors)" + where +
                                      " GROUP BY value ORDER BY total DESC, value COLLATE \"C\"" + limit,
                                  params(RollupDimension::path)));
  for (HistoryReport::Entry& page : report.pages) {
    const auto engaged = db.query(std::string(page_engagement_sums_sql) +
                                      "WHERE path = $1 AND start >= $2::bigint / 86400000 * "
                                      "86400000 AND start < $3::bigint AND ($4 = '' OR host = $4)",
                                  {page.value, std::to_string(request.from_ms),
                                   std::to_string(request.to_ms), request.host});
    page.engaged_views = number(engaged, 0, 0);
    page.engaged_ms = number(engaged, 0, 1);
    page.estimated_views = number(engaged, 0, 2);
  }
  report.countries = entries(db.query("SELECT value, sum(views) AS total, sum(visitors)" + where +
                                          " AND value <> '' GROUP BY value "
                                          "ORDER BY total DESC, value COLLATE \"C\"" + limit,
                                      params(RollupDimension::country)));
  // Their rollup rows exist only for views with a value: no '' to leave out.
  for (auto [dimension, list] : {std::pair{RollupDimension::source, &report.sources},
                                 std::pair{RollupDimension::campaign, &report.campaigns}}) {
    *list = entries(db.query("SELECT value, sum(views) AS total, sum(visitors)" + where +
                                 " GROUP BY value ORDER BY total DESC, value COLLATE \"C\"" + limit,
                             params(dimension)));
  }
  const auto visits = db.query(std::string(visit_sums_sql) +
                                   "WHERE start >= $1::bigint / 86400000 * 86400000 "
                                   "AND start < $2::bigint AND ($3 = '' OR host = $3)",
                               {std::to_string(request.from_ms), std::to_string(request.to_ms),
                                request.host});
  report.visits = {number(visits, 0, 1), number(visits, 0, 2), number(visits, 0, 3),
                   number(visits, 0, 4), number(visits, 0, 5), number(visits, 0, 6),
                   number(visits, 0, 7)};
  const JourneyRange range = journey_range(request);
  const auto journeys = db.query(std::string(pg_sql::select_journeys),
                                 {std::to_string(range.from_day_ms),
                                  std::to_string(range.months_from_ms),
                                  std::to_string(range.months_to_ms),
                                  std::to_string(range.to_day_ms), request.host});
  std::vector<JourneySum> sums;
  for (int row = 0; row < PQntuples(journeys.get()); ++row) {
    sums.push_back({PQgetvalue(journeys.get(), row, 0), PQgetvalue(journeys.get(), row, 1),
                    number(journeys, row, 2)});
  }
  add_journeys(request, sums, report);
  return report;
}

}  // namespace onlooker
