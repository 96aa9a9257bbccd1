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
  // The answer covers whole buckets: the rollups count unique visitors per
  // hour or UTC day, so a bucket cannot be cut.
  const std::int64_t width = request.bucket_ms();
  request.from_ms = request.from_ms / width * width;
  request.to_ms = (request.to_ms + width - 1) / width * width;
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
  // Rollups hold people's page views (bots left out) per hour and UTC day.
  const std::string where =
      " FROM rollups WHERE span = ?4 AND dimension = ?5 AND start >= ?1 AND start < ?2"
      " AND (?3 = '' OR host = ?3)";
  const std::string_view span = request.bucket == HistoryRequest::Bucket::hour ? "hour" : "day";
  auto bind = [&](sqlite::Statement& statement, std::string_view dimension) {
    statement.bind(1, request.from_ms);
    statement.bind(2, request.to_ms);
    statement.bind(3, request.host);
    statement.bind(4, span);
    statement.bind(5, dimension);
  };

  Json out;
  out["from"] = request.from_ms;
  out["to"] = request.to_ms;
  out["bucket"] = span;
  out["host"] = request.host.empty() ? Json() : Json(request.host);

  sqlite::Statement series(db(), "SELECT start, sum(views), sum(visitors)" + where +
                                     " GROUP BY start ORDER BY start");
  bind(series, "all");
  out["series"] = Json::array();
  while (series.step()) {
    out["series"].push_back(
        {{"t", series.column_int(0)}, {"views", series.column_int(1)}, {"visitors", series.column_int(2)}});
  }

  sqlite::Statement pages(db(), "SELECT value, sum(views) AS total, sum(visitors)" + where +
                                    " GROUP BY value ORDER BY total DESC, value LIMIT 10");
  bind(pages, "path");
  out["pages"] = Json::array();
  while (pages.step()) {
    out["pages"].push_back({{"path", pages.column_text(0)},
                            {"views", pages.column_int(1)},
                            {"visitors", pages.column_int(2)}});
  }

  sqlite::Statement countries(db(), "SELECT value, sum(views) AS total, sum(visitors)" + where +
                                        " AND value <> '' GROUP BY value "
                                        "ORDER BY total DESC, value LIMIT 10");
  bind(countries, "country");
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
