// Cross-list filters (filtered_report.h): with ?country=PT&device=mobile every
// list of /api/history is that of the matching people's views, equal to a
// GROUP BY over the hits, on both backends, and never another site's.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "filtered_report.h"
#include "support/history_backends.h"

namespace onlooker {
namespace {

template <class Backend>
class HistoryFilter : public ::testing::Test {
 protected:
  Backend backend;
};

using Backends = ::testing::Types<test::SqliteBackend, test::PostgresBackend>;
TYPED_TEST_SUITE(HistoryFilter, Backends);

constexpr std::int64_t midnight = 1'794'960'000'000;  // a UTC midnight

std::vector<Hit> random_hits(std::uint32_t seed) {
  std::mt19937 random(seed);
  auto pick = [&](std::initializer_list<const char*> values) {
    return std::string(values.begin()[random() % values.size()]);
  };
  std::vector<Hit> hits;
  for (int i = 0; i < 3000; ++i) {
    Hit hit;
    hit.ts_ms = midnight + static_cast<std::int64_t>(random() % (3 * day_ms));
    hit.visitor.fill(static_cast<std::uint8_t>(random() % 60));
    hit.kind = random() % 8 == 0 ? HitKind::beat : HitKind::view;
    hit.host = pick({"a.example", "a.example", "b.example"});
    hit.path = pick({"/", "/pricing", "/blog,post", "/about"});
    hit.country_code = pick({"PT", "PT", "GB", ""});
    hit.city = hit.country_code == "PT" ? pick({"Lisbon", "Porto", ""}) : pick({"London", ""});
    hit.device = pick({"mobile", "desktop", "tablet", "bot"});
    hit.browser = pick({"Firefox", "Chrome", "Mobile Safari"});
    hit.os = pick({"Android", "iOS", "Linux"});
    hit.referrer = pick({"", "www.google.com/", "news.example/item"});
    // The source group and utm_campaign, on some views (landings) only.
    hit.source_group = pick({"", "", "direct", "search", "social", "campaign"});
    if (hit.source_group == "campaign") hit.campaign.name = pick({"launch", "spring,sale"});
    hit.status = 200;
    hits.push_back(hit);
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.ts_ms < b.ts_ms; });
  return hits;
}

std::string column_of(const Hit& hit, std::string_view column) {
  if (column == "path") return hit.path;
  if (column == "referrer") return hit.referrer;
  if (column == "country") return hit.country_code;
  if (column == "city") return hit.city;
  if (column == "device") return hit.device;
  if (column == "browser") return hit.browser;
  if (column == "source") return hit.source_group;
  if (column == "campaign") return hit.campaign.name;
  return hit.os;
}

// What the lists must hold: views, and visitors unique per bucket summed.
struct Expected {
  std::map<std::int64_t, std::pair<std::int64_t, std::set<VisitorId>>> series;
  std::map<std::string, std::vector<HistoryReport::Entry>> lists;
};

Expected group_by(const std::vector<Hit>& hits, const HistoryRequest& request) {
  Expected expected;
  std::map<std::string, std::map<std::string, std::pair<std::int64_t, std::set<std::pair<std::int64_t, VisitorId>>>>>
      counts;
  for (const Hit& hit : hits) {
    if (hit.kind != HitKind::view || hit.device == "bot") continue;
    if (hit.ts_ms < request.from_ms || hit.ts_ms >= request.to_ms) continue;
    if (!request.host.empty() && hit.host != request.host) continue;
    bool matches = true;
    for (const auto& filter : request.filters) matches = matches && column_of(hit, filter.column) == filter.value;
    if (!matches) continue;
    const auto bucket = bucket_start(request.bucket, hit.ts_ms);
    ++expected.series[bucket].first;
    expected.series[bucket].second.insert(hit.visitor);
    for (const std::string_view column : filter_columns) {
      const auto value = column_of(hit, column);
      if (value.empty()) continue;
      auto& [views, visitors] = counts[std::string(column)][value];
      ++views;
      visitors.insert({bucket, hit.visitor});
    }
  }
  for (const std::string_view column : filter_columns) {
    auto& list = expected.lists[std::string(column)];
    for (const auto& [value, count] : counts[std::string(column)]) {
      list.push_back({value, count.first, static_cast<std::int64_t>(count.second.size())});
    }
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
      return a.views != b.views ? a.views > b.views : a.value < b.value;
    });
    if (list.size() > request.top) list.resize(request.top);
  }
  return expected;
}

void expect_report(const HistoryReport& report, const Expected& expected) {
  ASSERT_EQ(report.series.size(), expected.series.size());
  std::size_t i = 0;
  for (const auto& [start, count] : expected.series) {
    EXPECT_EQ(report.series[i].start_ms, start);
    EXPECT_EQ(report.series[i].views, count.first);
    EXPECT_EQ(report.series[i].visitors, static_cast<std::int64_t>(count.second.size()));
    ++i;
  }
  HistoryReport copy = report;
  for (const std::string_view column : filter_columns) {
    const auto& got = list_of(copy, column);
    const auto& want = expected.lists.at(std::string(column));
    ASSERT_EQ(got.size(), want.size()) << column;
    for (std::size_t j = 0; j < want.size(); ++j) {
      EXPECT_EQ(got[j].value, want[j].value) << column;
      EXPECT_EQ(got[j].views, want[j].views) << column << " " << want[j].value;
      EXPECT_EQ(got[j].visitors, want[j].visitors) << column << " " << want[j].value;
    }
  }
}

TYPED_TEST(HistoryFilter, EveryListOfTheMatchingViewsEqualsAGroupByOverHits) {
  const auto hits = random_hits(18);
  this->backend.sink()->commit({hits, {}, {1, hits.size()}});
  auto reader = this->backend.reader();
  for (const RollupSpan bucket : rollup_spans) {
    HistoryRequest request{midnight, midnight + 3 * day_ms, "", bucket};
    request.filters = {{"country", "PT"}, {"device", "mobile"}};
    const auto expected = group_by(hits, request);
    ASSERT_FALSE(expected.lists.at("city").empty());
    expect_report(reader->report(request), expected);

    request.filters = {{"browser", "Firefox"}};
    request.host = "b.example";
    request.from_ms = midnight + day_ms;
    expect_report(reader->report(request), group_by(hits, request));
  }
}

// ?source= and ?campaign= (hits.source, hits.utm_campaign) filter every list
// as the others do, and a filtered report fills its sources and campaigns
// from the hits too.
TYPED_TEST(HistoryFilter, ASourceOrCampaignFilterEqualsAGroupByOverHits) {
  const auto hits = random_hits(21);
  this->backend.sink()->commit({hits, {}, {1, hits.size()}});
  auto reader = this->backend.reader();
  for (const RollupSpan bucket : rollup_spans) {
    HistoryRequest request{midnight, midnight + 3 * day_ms, "", bucket};
    request.filters = {{"campaign", "spring,sale"}};
    auto expected = group_by(hits, request);
    ASSERT_EQ(expected.lists.at("campaign").size(), 1u);
    ASSERT_FALSE(expected.lists.at("path").empty());
    expect_report(reader->report(request), expected);

    request.filters = {{"source", "search"}, {"country", "PT"}};
    expected = group_by(hits, request);
    ASSERT_TRUE(expected.lists.at("campaign").empty());
    ASSERT_EQ(expected.lists.at("source").size(), 1u);
    expect_report(reader->report(request), expected);

    // Filtered by a country, the sources and campaigns of its views.
    request.filters = {{"country", "GB"}};
    request.host = "a.example";
    expected = group_by(hits, request);
    ASSERT_EQ(expected.lists.at("source").size(), 4u);
    ASSERT_EQ(expected.lists.at("campaign").size(), 2u);
    expect_report(reader->report(request), expected);
  }
}

// A previous period's report (HistoryApi::run) asks for no list rows: the
// series is the same, no list is counted.
TYPED_TEST(HistoryFilter, NoListRowsAskedForGivesTheSeriesAlone) {
  const auto hits = random_hits(5);
  this->backend.sink()->commit({hits, {}, {1, hits.size()}});
  HistoryRequest request{midnight, midnight + 3 * day_ms, "", RollupSpan::hour};
  request.filters = {{"source", "social"}};
  request.top = 0;
  const auto report = this->backend.reader()->report(request);
  const auto expected = group_by(hits, request);  // top 0: every list empty
  ASSERT_FALSE(expected.series.empty());
  expect_report(report, expected);
}

TYPED_TEST(HistoryFilter, ASiteFilterNeverCrossesItsSite) {
  std::vector<Hit> hits = random_hits(7);
  this->backend.sink()->commit({hits, {}, {1, hits.size()}});
  HistoryRequest request{midnight, midnight + 3 * day_ms, "a.example", RollupSpan::day};
  request.filters = {{"path", "/blog,post"}};
  const auto report = this->backend.reader()->report(request);
  std::int64_t views = 0;
  for (const auto& point : report.series) views += point.views;
  std::int64_t a_views = 0, all_views = 0;
  for (const Hit& hit : hits) {
    if (hit.kind != HitKind::view || hit.device == "bot" || hit.path != "/blog,post") continue;
    ++all_views;
    if (hit.host == "a.example") ++a_views;
  }
  EXPECT_EQ(views, a_views);
  EXPECT_LT(views, all_views);
}

}  // namespace
}  // namespace onlooker
