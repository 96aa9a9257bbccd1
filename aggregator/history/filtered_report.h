// History lists under a filter (?country=PT&device=mobile...): the pages,
// countries, cities, devices, browsers, OS, referrers, sources and
// campaigns of the people's views that match every filter in the range.
// Single-dimension rollups cannot answer these, so they come from `hits`,
// with the rollups' meaning (visitors unique per bucket, summed over the
// range): each backend runs filtered_views_sql, shared by both, and counts
// its rows in one pass (filtered_counts.h).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "history_reader.h"

namespace onlooker {

// The filters, as ?NAME= spells them; each is a hits column (hits_column).
inline constexpr std::string_view filter_columns[] = {
    "path", "referrer", "country", "city", "device", "browser", "os", "source", "campaign"};
bool is_filter_column(std::string_view name);
// The hits column a filter reads: ?campaign= is utm_campaign (the source
// group is hits.source); the others are their column's name.
std::string_view hits_column(std::string_view filter);

// Placeholder n (1-based) in the backend's SQL; `number` when it is bound to
// an integer (PostgreSQL casts it).
using Placeholder = std::function<std::string(int n, bool number)>;

// Parameters: 1 from_ms, 2 to_ms, 3 host ('' for all), then each filter's
// value in request.filters' order.
std::vector<std::optional<std::string>> filtered_parameters(const HistoryRequest& request);

// " FROM hits WHERE ...": the range's people's views on the site that match
// every filter.
std::string filtered_where_sql(const HistoryRequest& request, const Placeholder& mark);
// Rows: (ts, visitor, then each filter column's value or '' in
// filter_columns' order) of every matching view, in time order.
std::string filtered_views_sql(const HistoryRequest& request, const Placeholder& mark);

// Which report list holds a column's entries.
std::vector<HistoryReport::Entry>& list_of(HistoryReport& report, std::string_view column);

}  // namespace onlooker
