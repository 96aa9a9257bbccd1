#include "history_api.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>
#include <tuple>

#include "filtered_report.h"
#include "onlooker_record.h"
#include "query_string.h"
#include "source_groups.h"

namespace onlooker {

namespace {

std::optional<std::int64_t> parse_ms(const std::string& text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0 ||
      value > latest_history_ms) {
    return std::nullopt;
  }
  return value;
}

// What a filter's value may be: the source groups are a closed set, a
// campaign is at most what the module stores; '' when it may.
std::string filter_value_error(std::string_view column, std::string_view value) {
  if (column == "source") {
    for (const std::string_view group : source_groups) {
      if (value == group) return "";
    }
    return "source must be direct, campaign, search, social, email, paid or other site";
  }
  const std::size_t longest = column == "campaign" ? ONLOOKER_CAMPAIGN_VALUE_MAX : 2048;
  return value.size() > longest ? std::string(column) + " is too long" : "";
}

using Json = nlohmann::ordered_json;

Json series_json(const std::vector<HistoryReport::Point>& series) {
  Json out = Json::array();
  for (const auto& point : series) {
    out.push_back({{"t", point.start_ms}, {"views", point.views}, {"visitors", point.visitors}});
  }
  return out;
}

// The range's views and the per-bucket visitors summed (as the lists' are).
Json totals_json(const std::vector<HistoryReport::Point>& series) {
  std::int64_t views = 0, visitors = 0;
  for (const auto& point : series) {
    views += point.views;
    visitors += point.visitors;
  }
  return {{"views", views}, {"visitors", visitors}};
}

// Averages over the visits (by UTC day, history_reader.h); null when no
// visit has the figure. Bounce: one page, under 10 s engaged.
Json visits_json(const HistoryReport::Visits& visits) {
  auto ratio = [](double part, std::int64_t whole) {
    return whole == 0 ? Json() : Json(part / static_cast<double>(whole));
  };
  return {
      {"visits", visits.visits},
      {"avg_duration_seconds", ratio(visits.duration_ms / 1000.0, visits.visits)},
      {"avg_pages", ratio(static_cast<double>(visits.pages), visits.visits)},
      {"bounce_rate", ratio(static_cast<double>(visits.bounces), visits.engaged_visits)},
      {"engaged_seconds_per_page", ratio(visits.engaged_ms / 1000.0, visits.engaged_pages)},
  };
}

}  // namespace

HistoryRequest previous_period(const HistoryRequest& request) {
  HistoryRequest previous = request;
  previous.to_ms = request.from_ms;
  previous.from_ms = request.from_ms - (request.to_ms - request.from_ms);
  return previous;
}

std::variant<HistoryRequest, std::string> parse_history_request(std::string_view query,
                                                                std::int64_t now_ms) {
  HistoryRequest request;
  request.to_ms = now_ms;
  request.from_ms = now_ms - 7 * day_ms;
  if (auto to = query_param(query, "to"); to && !to->empty()) {
    const auto value = parse_ms(*to);
    if (!value) return "to must be unix time in milliseconds";
    request.to_ms = *value;
  }
  if (auto from = query_param(query, "from"); from && !from->empty()) {
    const auto value = parse_ms(*from);
    if (!value) return "from must be unix time in milliseconds";
    request.from_ms = *value;
  }
  if (request.from_ms >= request.to_ms) return "from must be before to";
  if (request.to_ms - request.from_ms > HistoryReader::max_range_ms) {
    return "the range is at most 366 days";
  }
  request.host = query_param(query, "host").value_or("");
  if (request.host.size() > 255) return "host is too long";
  request.page = query_param(query, "page").value_or("");
  if (request.page.size() > 2048) return "page is too long";
  for (const std::string_view column : filter_columns) {
    auto value = query_param(query, column);
    if (!value || value->empty()) continue;
    if (auto error = filter_value_error(column, *value); !error.empty()) return error;
    request.filters.push_back({std::string(column), std::move(*value)});
  }
  const auto bucket = query_param(query, "bucket");
  if (!bucket || bucket->empty()) {
    request.bucket = request.to_ms - request.from_ms <= 3 * day_ms ? RollupSpan::hour
                                                                   : RollupSpan::day;
  } else if (const auto span = span_from_string(*bucket)) {
    request.bucket = *span;
    if (*span == RollupSpan::hour && request.to_ms - request.from_ms > 31 * day_ms) {
      return "hourly buckets cover at most 31 days";
    }
  } else {
    return "bucket must be hour or day";
  }
  // The answer covers whole buckets: the rollups count unique visitors per
  // hour or UTC day, so a bucket cannot be cut.
  request.from_ms = bucket_start(request.bucket, request.from_ms);
  request.to_ms = bucket_ceil(request.bucket, request.to_ms);
  return request;
}

std::string history_json(const HistoryRequest& request, const HistoryReport& report,
                         const HistoryReport& previous, const CountryNames& country_names) {
  Json out;
  out["from"] = request.from_ms;
  out["to"] = request.to_ms;
  out["bucket"] = to_string(request.bucket);
  out["host"] = request.host.empty() ? Json() : Json(request.host);
  out["totals"] = totals_json(report.series);
  out["series"] = series_json(report.series);
  const bool filtered = !request.filters.empty();
  out["pages"] = Json::array();
  // engaged_seconds: the average over the page's views with an engaged time
  // (page_engagement_rollups.h), null when none has one (and in a filtered
  // report, from hits); engaged_estimated: some of them had no beacon.js.
  for (const auto& page : report.pages) {
    const bool engaged = page.engaged_views > 0 && !filtered;
    out["pages"].push_back(
        {{"path", page.value}, {"views", page.views}, {"visitors", page.visitors},
         {"engaged_seconds",
          engaged ? Json(page.engaged_ms / 1000.0 / static_cast<double>(page.engaged_views))
                  : Json()},
         {"engaged_estimated", engaged && page.estimated_views > 0}});
  }
  out["countries"] = Json::array();
  for (const auto& country : report.countries) {
    out["countries"].push_back({{"code", country.value},
                                {"name", std::string(country_names.name(country.value))},
                                {"views", country.views},
                                {"visitors", country.visitors}});
  }
  for (const auto& [name, key, list] :
       {std::tuple{"sources", "source", &report.sources},
        std::tuple{"campaigns", "campaign", &report.campaigns}}) {
    out[name] = Json::array();
    for (const auto& entry : *list) {
      out[name].push_back({{key, entry.value}, {"views", entry.views}, {"visitors", entry.visitors}});
    }
  }
  if (filtered) {
    // From hits (filtered_report.h): every list, and no visit or journey
    // figures (those are stored per site and day, not per filter).
    Json filter = Json::object();
    for (const auto& [column, value] : request.filters) filter[column] = value;
    out["filter"] = filter;
    auto named = [](const std::vector<HistoryReport::Entry>& entries) {
      Json list = Json::array();
      for (const auto& entry : entries) {
        list.push_back({{"name", entry.value}, {"views", entry.views}, {"visitors", entry.visitors}});
      }
      return list;
    };
    out["cities"] = named(report.cities);
    out["devices"] = named(report.devices);
    out["browsers"] = named(report.browsers);
    out["os"] = named(report.os);
    out["referrers"] = Json::array();
    for (const auto& entry : report.referrers) {
      out["referrers"].push_back(
          {{"referrer", entry.value}, {"views", entry.views}, {"visitors", entry.visitors}});
    }
  }
  out["visits"] = filtered ? Json() : visits_json(report.visits);
  out["entry_pages"] = Json::array();
  for (const auto& page : report.entry_pages) {
    out["entry_pages"].push_back({{"path", page.path}, {"visits", page.visits}});
  }
  out["exit_pages"] = Json::array();
  for (const auto& page : report.exit_pages) {
    out["exit_pages"].push_back({{"path", page.path}, {"visits", page.visits}});
  }
  out["transitions"] = Json::array();
  for (const auto& page : report.transitions) {
    Json next = Json::array();
    for (const auto& to : page.next) next.push_back({{"path", to.path}, {"views", to.views}});
    out["transitions"].push_back(
        {{"from", page.from}, {"views", page.views}, {"left", page.left}, {"next", next}});
  }
  if (filtered) out["entry_pages"] = out["exit_pages"] = out["transitions"] = Json();
  const auto before = previous_period(request);
  out["previous"] = {{"from", before.from_ms},
                     {"to", before.to_ms},
                     {"totals", totals_json(previous.series)},
                     {"visits", filtered ? Json() : visits_json(previous.visits)},
                     {"series", series_json(previous.series)}};
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace onlooker
