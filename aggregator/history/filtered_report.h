// History lists under a filter (?country=PT&device=mobile...): the pages,
// countries, cities, devices, browsers, OS and referrers of the people's
// views that match every filter in the range. Single-dimension rollups
// cannot answer these, so they come from `hits`, with the rollups' meaning
// (visitors unique per bucket, summed over the range). The SQL is shared by
// both backends; a backend names its placeholders and runs it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "history_reader.h"

namespace onlooker {

// The hits columns a filter may name, as ?NAME= spells them.
inline constexpr std::string_view filter_columns[] = {"path",   "referrer", "country", "city",
                                                      "device", "browser",  "os"};
bool is_filter_column(std::string_view name);

// Placeholder n (1-based) in the backend's SQL; `number` when it is bound to
// an integer (PostgreSQL casts it).
using Placeholder = std::function<std::string(int n, bool number)>;

// Parameters: 1 from_ms, 2 to_ms, 3 host ('' for all), 4 the bucket's width
// in ms, then each filter's value in request.filters' order.
std::vector<std::optional<std::string>> filtered_parameters(const HistoryRequest& request);

// Rows: (bucket start, views, visitors), in time order.
std::string filtered_series_sql(const HistoryRequest& request, const Placeholder& mark);
// Rows: (value, views, visitors) of one column, most viewed first, at most
// request.top; views without the value (no city) left out. `collate` makes
// ties sort the same on both backends.
std::string filtered_list_sql(const HistoryRequest& request, std::string_view column,
                              std::string_view collate, const Placeholder& mark);

// Which report list holds a column's entries.
std::vector<HistoryReport::Entry>& list_of(HistoryReport& report, std::string_view column);

}  // namespace onlooker
