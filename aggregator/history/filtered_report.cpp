#include "filtered_report.h"

#include <algorithm>
#include <stdexcept>

#include "person_view.h"

namespace onlooker {

namespace {

// The range, the site, people's views and every filter.
std::string where_sql(const HistoryRequest& request, const Placeholder& mark) {
  std::string where = " FROM hits WHERE ts >= " + mark(1, true) + " AND ts < " + mark(2, true) +
                      " AND (" + mark(3, false) + " = '' OR host = " + mark(3, false) + ") AND " +
                      std::string(person_view_sql);
  int n = 5;
  for (const auto& filter : request.filters) {
    // The column is one of filter_columns (checked when parsed): never text
    // from the request.
    if (!is_filter_column(filter.column)) throw std::invalid_argument("not a filter column");
    where += " AND coalesce(" + filter.column + ", '') = " + mark(n++, false);
  }
  return where;
}

std::string bucket_sql(const Placeholder& mark) {
  return "ts / " + mark(4, true) + " * " + mark(4, true);
}

}  // namespace

bool is_filter_column(std::string_view name) {
  return std::find(std::begin(filter_columns), std::end(filter_columns), name) !=
         std::end(filter_columns);
}

std::vector<std::optional<std::string>> filtered_parameters(const HistoryRequest& request) {
  std::vector<std::optional<std::string>> values = {
      std::to_string(request.from_ms), std::to_string(request.to_ms), request.host,
      std::to_string(span_ms(request.bucket))};
  for (const auto& filter : request.filters) values.emplace_back(filter.value);
  return values;
}

std::string filtered_series_sql(const HistoryRequest& request, const Placeholder& mark) {
  return "SELECT " + bucket_sql(mark) + " AS start, count(*), count(DISTINCT visitor)" +
         where_sql(request, mark) + " GROUP BY start ORDER BY start";
}

std::string filtered_list_sql(const HistoryRequest& request, std::string_view column,
                              std::string_view collate, const Placeholder& mark) {
  if (!is_filter_column(column)) throw std::invalid_argument("not a filter column");
  const std::string value = "coalesce(" + std::string(column) + ", '')";
  return "SELECT value, sum(views) AS total, sum(visitors) FROM (SELECT " + value +
         " AS value, " + bucket_sql(mark) + " AS bucket, count(*) AS views, "
         "count(DISTINCT visitor) AS visitors" + where_sql(request, mark) +
         " GROUP BY value, bucket) AS per_bucket WHERE value <> '' GROUP BY value "
         "ORDER BY total DESC, value " + std::string(collate) + " LIMIT " +
         std::to_string(request.top);
}

std::vector<HistoryReport::Entry>& list_of(HistoryReport& report, std::string_view column) {
  if (column == "path") return report.pages;
  if (column == "country") return report.countries;
  if (column == "city") return report.cities;
  if (column == "device") return report.devices;
  if (column == "browser") return report.browsers;
  if (column == "os") return report.os;
  return report.referrers;
}

}  // namespace onlooker
