#include "history_queries.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "query_string.h"

namespace onlooker {

namespace {

std::optional<std::int64_t> parse_ms(const std::string& text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace

std::variant<HistoryRequest, std::string> parse_history_request(std::string_view query,
                                                                std::int64_t now_ms) {
  HistoryRequest request;
  request.to_ms = now_ms;
  request.from_ms = now_ms - 7 * 86'400'000LL;
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
  if (request.to_ms - request.from_ms > HistoryQueries::max_range_ms) {
    return "the range is at most 366 days";
  }
  request.host = query_param(query, "host").value_or("");
  if (request.host.size() > 255) return "host is too long";
  const auto bucket = query_param(query, "bucket");
  if (!bucket || bucket->empty()) {
    request.bucket = request.to_ms - request.from_ms <= 3 * 86'400'000LL
                         ? HistoryRequest::Bucket::hour
                         : HistoryRequest::Bucket::day;
  } else if (*bucket == "hour") {
    request.bucket = HistoryRequest::Bucket::hour;
    if (request.to_ms - request.from_ms > 31 * 86'400'000LL) {
      return "hourly buckets cover at most 31 days";
    }
  } else if (*bucket == "day") {
    request.bucket = HistoryRequest::Bucket::day;
  } else {
    return "bucket must be hour or day";
  }
  return request;
}

sqlite::Database& HistoryQueries::db() {
  if (!db_) {
    db_ = std::make_unique<sqlite::Database>(db_path_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
    db_->exec("PRAGMA busy_timeout = 2000");
  }
  return *db_;
}

std::string HistoryQueries::run(const HistoryRequest& request) {
  using Json = nlohmann::ordered_json;
  const std::int64_t bucket_ms =
      request.bucket == HistoryRequest::Bucket::hour ? 3'600'000 : 86'400'000;
  // People's page views only: bots are not visitors.
  const std::string where =
      " FROM hits WHERE ts >= ?1 AND ts < ?2 AND kind = 'view' AND (?3 = '' OR host = ?3)"
      " AND coalesce(device, '') <> 'bot'";
  auto bind = [&](sqlite::Statement& statement) {
    statement.bind(1, request.from_ms);
    statement.bind(2, request.to_ms);
    statement.bind(3, request.host);
  };

  Json out;
  out["from"] = request.from_ms;
  out["to"] = request.to_ms;
  out["bucket"] = request.bucket == HistoryRequest::Bucket::hour ? "hour" : "day";
  out["host"] = request.host.empty() ? Json() : Json(request.host);

  sqlite::Statement series(db(), "SELECT (ts / " + std::to_string(bucket_ms) + ") * " +
                                     std::to_string(bucket_ms) +
                                     " AS t, count(*), count(DISTINCT visitor)" + where +
                                     " GROUP BY t ORDER BY t");
  bind(series);
  out["series"] = Json::array();
  while (series.step()) {
    out["series"].push_back(
        {{"t", series.column_int(0)}, {"views", series.column_int(1)}, {"visitors", series.column_int(2)}});
  }

  sqlite::Statement pages(db(), "SELECT path, count(*) AS views, count(DISTINCT visitor)" + where +
                                    " GROUP BY path ORDER BY views DESC, path LIMIT 10");
  bind(pages);
  out["pages"] = Json::array();
  while (pages.step()) {
    out["pages"].push_back({{"path", pages.column_text(0)},
                            {"views", pages.column_int(1)},
                            {"visitors", pages.column_int(2)}});
  }

  sqlite::Statement countries(db(), "SELECT country, count(*) AS views, count(DISTINCT visitor)" +
                                        where +
                                        " AND country IS NOT NULL GROUP BY country "
                                        "ORDER BY views DESC, country LIMIT 10");
  bind(countries);
  out["countries"] = Json::array();
  while (countries.step()) {
    const std::string code = countries.column_text(0);
    out["countries"].push_back({{"code", code},
                                {"name", std::string(country_names_.name(code))},
                                {"views", countries.column_int(1)},
                                {"visitors", countries.column_int(2)}});
  }
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace onlooker
