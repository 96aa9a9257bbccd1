#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "history_api.h"
#include "sqlite_history.h"
#include "sqlite_history_reader.h"
#include "support/temp_dir.h"

namespace onlooker {
namespace {

constexpr std::int64_t day = 86'400'000;
constexpr std::int64_t now = 1'795'000'000'000;  // a fixed "now", mid-day UTC

std::string error_of(std::string_view query) {
  const auto parsed = parse_history_request(query, now);
  const auto* error = std::get_if<std::string>(&parsed);
  return error ? *error : "";
}

TEST(HistoryRequest, DefaultsToTheLastWeekByDay) {
  const auto request = std::get<HistoryRequest>(parse_history_request("", now));
  // Widened to whole UTC days: today up to its end, back to 7 days ago's start.
  EXPECT_EQ(request.to_ms, (now / day + 1) * day);
  EXPECT_EQ(request.from_ms, (now - 7 * day) / day * day);
  EXPECT_EQ(request.bucket, RollupSpan::day);
  const auto short_range = std::get<HistoryRequest>(
      parse_history_request("from=" + std::to_string(now - day), now));
  EXPECT_EQ(short_range.bucket, RollupSpan::hour);
}

TEST(HistoryRequest, CoversWholeHoursOrDays) {
  constexpr std::int64_t hour = 3'600'000;
  const std::int64_t midnight = now / day * day;
  const auto hours = std::get<HistoryRequest>(parse_history_request(
      "bucket=hour&from=" + std::to_string(midnight + 90 * 60'000) +
          "&to=" + std::to_string(midnight + 3 * hour + 1),
      now));
  EXPECT_EQ(hours.from_ms, midnight + hour);
  EXPECT_EQ(hours.to_ms, midnight + 4 * hour);
  const auto aligned = std::get<HistoryRequest>(parse_history_request(
      "bucket=day&from=" + std::to_string(midnight) + "&to=" + std::to_string(midnight + day),
      now));
  EXPECT_EQ(aligned.from_ms, midnight);
  EXPECT_EQ(aligned.to_ms, midnight + day);
}

TEST(HistoryRequest, BadParametersAreRefusedWithAReason) {
  EXPECT_EQ(error_of("from=yesterday"), "from must be unix time in milliseconds");
  EXPECT_EQ(error_of("to=-5"), "to must be unix time in milliseconds");
  EXPECT_EQ(error_of("from=10&to=5"), "from must be before to");
  EXPECT_EQ(error_of("from=0&to=" + std::to_string(400 * day)), "the range is at most 366 days");
  EXPECT_EQ(error_of("bucket=week"), "bucket must be hour or day");
  EXPECT_EQ(error_of("bucket=hour&from=0&to=" + std::to_string(60 * day)),
            "hourly buckets cover at most 31 days");
  EXPECT_EQ(error_of("host=" + std::string(300, 'h')), "host is too long");
  EXPECT_EQ(error_of("from=1&to=2&host=a.example&bucket=hour"), "");
}

// Widening `to` to a whole bucket overflowed: the answer was 200 with a
// negative `to`.
TEST(HistoryRequest, TimesNearTheEndOfInt64AreRefused) {
  EXPECT_EQ(error_of("from=9223372036854775806&to=9223372036854775807"),
            "to must be unix time in milliseconds");
  EXPECT_EQ(error_of("from=9223372036854775806"), "from must be unix time in milliseconds");
  EXPECT_EQ(error_of("from=0&to=" + std::to_string(latest_history_ms + 1)),
            "to must be unix time in milliseconds");
  const auto latest = std::get<HistoryRequest>(parse_history_request(
      "from=" + std::to_string(latest_history_ms - day) + "&to=" +
          std::to_string(latest_history_ms),
      now));
  EXPECT_GT(latest.to_ms, latest.from_ms);
  EXPECT_EQ(latest.to_ms, latest_history_ms + 1);  // the end of 9999-12-31, a whole hour
}

TEST(HistoryApi, CountsViewsAndPeoplePerBucketPageAndCountry) {
  test::TempDir dir;
  {
    SqliteHistory history(dir.file("db"));
    std::vector<Hit> hits;
    auto add = [&](std::int64_t ts, std::uint8_t who, const char* path, const char* country,
                   HitKind kind = HitKind::view, const char* device = "desktop",
                   const char* host = "a.example") {
      Hit hit;
      hit.ts_ms = ts;
      hit.visitor.fill(who);
      hit.path = path;
      hit.country_code = country;
      hit.kind = kind;
      hit.device = device;
      hit.host = host;
      hits.push_back(hit);
    };
    const std::int64_t today = now / day * day;
    add(today + 1000, 1, "/", "GB");
    add(today + 2000, 1, "/b", "GB");
    add(today + 3000, 2, "/", "DE");
    add(today + 4000, 2, "/", "DE", HitKind::beat);          // not a view
    add(today + 5000, 3, "/", "US", HitKind::view, "bot");   // not a person
    add(today + 6000, 4, "/", "JP", HitKind::view, "mobile", "b.example");
    add(today - day + 10, 5, "/old", "GB");                  // yesterday
    add(today - 30 * day, 6, "/ancient", "GB");              // outside the range
    history.commit({hits, {}, {1, hits.size()}});
  }
  SqliteHistoryReader reader(dir.file("db"));
  HistoryApi queries(reader);
  const auto request = std::get<HistoryRequest>(
      parse_history_request("from=" + std::to_string(now - 2 * day) + "&bucket=day", now));
  const auto out = nlohmann::json::parse(queries.run(request));
  const std::int64_t today = now / day * day;
  EXPECT_EQ(out.at("series"), nlohmann::json::parse(
                                  "[{\"t\":" + std::to_string(today - day) +
                                  ",\"views\":1,\"visitors\":1},{\"t\":" + std::to_string(today) +
                                  ",\"views\":4,\"visitors\":3}]"));
  EXPECT_EQ(out.at("pages").at(0), nlohmann::json::parse(R"({"path":"/","views":3,"visitors":3})"));
  EXPECT_EQ(out.at("countries").at(0),
            nlohmann::json::parse(R"({"code":"GB","name":"United Kingdom","views":3,"visitors":2})"));

  const auto one_site = std::get<HistoryRequest>(parse_history_request(
      "host=b.example&from=" + std::to_string(now - 2 * day), now));
  const auto site = nlohmann::json::parse(queries.run(one_site));
  ASSERT_EQ(site.at("pages").size(), 1u);
  EXPECT_EQ(site.at("countries").at(0).at("code"), "JP");
  EXPECT_EQ(site.at("host"), "b.example");
}

}  // namespace
}  // namespace onlooker
