#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>

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

// The cross-list filters (filtered_report.h), ?source= and ?campaign= with
// the others: parsed in filter_columns' order, empty ones ignored, bad ones
// refused as the other parameters are.
TEST(HistoryRequest, FiltersAreParsedAndBadValuesRefused) {
  const auto request = std::get<HistoryRequest>(parse_history_request(
      "campaign=spring%20sale&country=PT&source=other%20site&city=", now));
  ASSERT_EQ(request.filters.size(), 3u);
  EXPECT_EQ(request.filters[0].column, "country");
  EXPECT_EQ(request.filters[1].column, "source");
  EXPECT_EQ(request.filters[1].value, "other site");
  EXPECT_EQ(request.filters[2].column, "campaign");
  EXPECT_EQ(request.filters[2].value, "spring sale");
  EXPECT_EQ(error_of("source=search&campaign=" + std::string(40, 'c')), "");
  EXPECT_EQ(error_of("campaign=" + std::string(41, 'c')), "campaign is too long");
  EXPECT_EQ(error_of("source=google"),
            "source must be direct, campaign, search, social, email, paid or other site");
  EXPECT_EQ(error_of("source=" + std::string(3000, 's')),
            "source must be direct, campaign, search, social, email, paid or other site");
  EXPECT_EQ(error_of("country=" + std::string(2049, 'c')), "country is too long");
  EXPECT_EQ(error_of("path=/" + std::string(2047, 'p')), "");
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
  EXPECT_EQ(out.at("pages").at(0),
            nlohmann::json::parse(R"({"path":"/","views":3,"visitors":3,"engaged_seconds":null,)"
                                  R"("engaged_estimated":false})"));
  EXPECT_EQ(out.at("countries").at(0),
            nlohmann::json::parse(R"({"code":"GB","name":"United Kingdom","views":3,"visitors":2})"));

  const auto one_site = std::get<HistoryRequest>(parse_history_request(
      "host=b.example&from=" + std::to_string(now - 2 * day), now));
  const auto site = nlohmann::json::parse(queries.run(one_site));
  ASSERT_EQ(site.at("pages").size(), 1u);
  EXPECT_EQ(site.at("countries").at(0).at("code"), "JP");
  EXPECT_EQ(site.at("host"), "b.example");
}


// Each page's engaged time: the average over its views with one, in the
// visits begun on the range's days; estimated when any of it was; null for a
// page without, and in a filtered report (from hits: none there).
TEST(HistoryApi, GivesEachPageItsEngagedSecondsAndWhetherTheyWereEstimated) {
  test::TempDir dir;
  const std::int64_t today = now / day * day;
  {
    SqliteHistory history(dir.file("db"));
    std::vector<Hit> hits;
    for (const auto& [who, path] : {std::pair{1, "/"}, std::pair{2, "/"}, std::pair{2, "/b"}}) {
      Hit hit;
      hit.ts_ms = today + 1000 * who;
      hit.visitor.fill(static_cast<std::uint8_t>(who));
      hit.path = path;
      hit.host = "a.example";
      hit.device = "desktop";
      hits.push_back(hit);
    }
    Visit measured{.visitor = "01", .host = "a.example", .start_ms = today + 1000,
                   .last_seen_ms = today + 9000, .pages = 1, .entry_page = "/", .exit_page = "/"};
    measured.page_engaged = {{"/", 6000, 2}};
    Visit estimated = measured;
    estimated.visitor = "02";
    estimated.engaged_estimated = true;
    estimated.page_engaged = {{"/", 3000, 1}};
    const std::vector<Visit> visits{measured, estimated};
    history.commit({hits, visits, {1, hits.size()}});
  }
  SqliteHistoryReader reader(dir.file("db"));
  HistoryApi queries(reader);
  const auto out = nlohmann::json::parse(queries.run(std::get<HistoryRequest>(
      parse_history_request("from=" + std::to_string(now - 2 * day) + "&bucket=day", now))));
  ASSERT_EQ(out.at("pages").size(), 2u);
  EXPECT_EQ(out.at("pages").at(0).at("path"), "/");
  EXPECT_DOUBLE_EQ(out.at("pages").at(0).at("engaged_seconds").get<double>(), 3.0);
  EXPECT_EQ(out.at("pages").at(0).at("engaged_estimated"), true);
  EXPECT_TRUE(out.at("pages").at(1).at("engaged_seconds").is_null());
  EXPECT_EQ(out.at("pages").at(1).at("engaged_estimated"), false);
  const auto filtered = nlohmann::json::parse(queries.run(std::get<HistoryRequest>(
      parse_history_request("from=" + std::to_string(now - 2 * day) + "&path=/", now))));
  EXPECT_TRUE(filtered.at("pages").at(0).at("engaged_seconds").is_null());
}

// "previous" is the period of the same length before the range: its figures
// equal what asking for that period alone gives, and what the hits hold.
TEST(HistoryApi, PreviousPeriodEqualsAskingForItAlone) {
  test::TempDir dir;
  const std::int64_t today = now / day * day;
  const std::int64_t from = today - 6 * day, to = today + day;  // this week
  const std::int64_t previous_from = from - 7 * day;
  std::int64_t previous_views = 0;
  {
    SqliteHistory history(dir.file("db"));
    std::mt19937 random(18);
    std::vector<Hit> hits;
    std::vector<Visit> visits;
    const char* paths[] = {"/", "/a", "/b"};
    for (int i = 0; i < 600; ++i) {
      Hit hit;
      hit.ts_ms = today - 20 * day + static_cast<std::int64_t>(random() % (21 * day));
      hit.visitor.fill(static_cast<std::uint8_t>(random() % 40));
      hit.path = paths[random() % 3];
      hit.country_code = random() % 2 ? "PT" : "GB";
      hit.device = "desktop";
      hit.host = "a.example";
      hits.push_back(hit);
      if (hit.ts_ms >= previous_from && hit.ts_ms < from) ++previous_views;
      if (i % 5 == 0) {
        Visit visit;
        char id[33];
        std::snprintf(id, sizeof id, "%032x", static_cast<unsigned>(i));
        visit.visitor = id;
        visit.host = hit.host;
        visit.start_ms = hit.ts_ms;
        visit.last_seen_ms = hit.ts_ms + static_cast<std::int64_t>(random() % 600'000);
        visit.pages = 1 + static_cast<std::int64_t>(random() % 4);
        visit.entry_page = visit.exit_page = hit.path;
        visit.engaged_ms = static_cast<std::int64_t>(random() % 60'000);
        visits.push_back(visit);
      }
    }
    std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.ts_ms < b.ts_ms; });
    history.commit({hits, visits, {1, hits.size()}});
  }
  SqliteHistoryReader reader(dir.file("db"));
  HistoryApi queries(reader);
  auto ask = [&](std::int64_t start, std::int64_t end) {
    return nlohmann::json::parse(queries.run(std::get<HistoryRequest>(parse_history_request(
        "bucket=day&from=" + std::to_string(start) + "&to=" + std::to_string(end), now))));
  };
  const auto week = ask(from, to);
  const auto week_before = ask(previous_from, from);
  const auto& previous = week.at("previous");
  EXPECT_EQ(previous.at("from"), previous_from);
  EXPECT_EQ(previous.at("to"), from);
  EXPECT_EQ(previous.at("totals"), week_before.at("totals"));
  EXPECT_EQ(previous.at("visits"), week_before.at("visits"));
  EXPECT_EQ(previous.at("series"), week_before.at("series"));
  EXPECT_EQ(previous.at("totals").at("views"), previous_views);
  EXPECT_GT(week_before.at("visits").at("visits"), 0);
  // And the range's own totals are its series summed.
  std::int64_t views = 0, visitors = 0;
  for (const auto& point : week.at("series")) {
    views += point.at("views").get<std::int64_t>();
    visitors += point.at("visitors").get<std::int64_t>();
  }
  EXPECT_EQ(week.at("totals"), nlohmann::json({{"views", views}, {"visitors", visitors}}));
  EXPECT_NE(week.at("totals"), previous.at("totals"));
}

}  // namespace
}  // namespace onlooker
