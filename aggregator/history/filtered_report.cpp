#include "filtered_report.h"

#include <algorithm>
#include <stdexcept>

#include "person_view.h"

namespace onlooker {

bool is_filter_column(std::string_view name) {
  return std::find(std::begin(filter_columns), std::end(filter_columns), name) !=
         std::end(filter_columns);
}

std::string_view hits_column(std::string_view filter) {
  return filter == "campaign" ? "utm_campaign" : filter;
}

std::vector<std::optional<std::string>> filtered_parameters(const HistoryRequest& request) {
  std::vector<std::optional<std::string>> values = {std::to_string(request.from_ms),
                                                    std::to_string(request.to_ms), request.host};
  for (const auto& filter : request.filters) values.emplace_back(filter.value);
  return values;
}

std::string filtered_where_sql(const HistoryRequest& request, const Placeholder& mark) {
  std::string where = " FROM hits WHERE ts >= " + mark(1, true) + " AND ts < " + mark(2, true) +
                      " AND (" + mark(3, false) + " = '' OR host = " + mark(3, false) + ") AND " +
                      std::string(person_view_sql);
  int n = 4;
  for (const auto& filter : request.filters) {
    // The column is one of filter_columns (checked when parsed): never text
    // from the request.
    if (!is_filter_column(filter.column)) throw std::invalid_argument("not a filter column");
    where += " AND coalesce(" + std::string(hits_column(filter.column)) + ", '') = " +
             mark(n++, false);
  }
  return where;
}

std::string filtered_views_sql(const HistoryRequest& request, const Placeholder& mark) {
  std::string sql = "SELECT ts, visitor";
  for (const std::string_view column : filter_columns) {
    sql += ", coalesce(" + std::string(hits_column(column)) + ", '')";
  }
  return sql + filtered_where_sql(request, mark) + " ORDER BY ts";
}

std::vector<HistoryReport::Entry>& list_of(HistoryReport& report, std::string_view column) {
  if (column == "path") return report.pages;
  if (column == "country") return report.countries;
  if (column == "city") return report.cities;
  if (column == "device") return report.devices;
  if (column == "browser") return report.browsers;
  if (column == "os") return report.os;
  if (column == "source") return report.sources;
  if (column == "campaign") return report.campaigns;
  return report.referrers;
}

}  // namespace onlooker
