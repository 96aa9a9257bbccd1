// The live set's sources and campaigns: each visit counted once under the
// source and campaign of the view that brought it in, in the snapshot and
// its JSON; the visit tracker keeps the same for the visit's row.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "live_set.h"
#include "snapshot_json.h"
#include "visit_tracker.h"

namespace onlooker {
namespace {

Hit view(std::uint8_t who, std::string path, std::int64_t ts, std::string source_group,
         std::string campaign = "") {
  Hit h;
  h.visitor.fill(who);
  h.host = "a.example";
  h.path = std::move(path);
  h.ts_ms = ts;
  h.source_group = std::move(source_group);
  h.campaign.name = std::move(campaign);
  return h;
}

TEST(LiveSources, EachVisitCountsUnderTheSourceAndCampaignThatBroughtItIn) {
  LiveSet live(300'000);
  live.apply(view(1, "/", 1, "search"));
  live.apply(view(2, "/", 1, "campaign", "launch"));
  live.apply(view(3, "/", 1, "social", "launch"));
  live.apply(view(4, "/", 1, "search"));
  // Internal navigation (no source) and a later source do not move a visit.
  live.apply(view(1, "/b", 2, ""));
  live.apply(view(2, "/c", 2, "social", "other"));
  const auto snap = live.snapshot(3);
  ASSERT_EQ(snap.sources.size(), 3u);
  EXPECT_EQ(snap.sources[0].key, "search");
  EXPECT_EQ(snap.sources[0].viewers, 2);
  EXPECT_EQ(snap.sources[1].key, "campaign");
  EXPECT_EQ(snap.sources[2].key, "social");
  ASSERT_EQ(snap.campaigns.size(), 1u);
  EXPECT_EQ(snap.campaigns[0].key, "launch");
  EXPECT_EQ(snap.campaigns[0].viewers, 2);
}

TEST(LiveSources, AVisitWhoseLandingHadNoSourceTakesTheFirstItGets) {
  LiveSet live(300'000);
  live.apply(view(1, "/", 1, ""));
  EXPECT_TRUE(live.snapshot(1).sources.empty());
  live.apply(view(1, "/b", 2, "email", "winter"));
  const auto snap = live.snapshot(2);
  ASSERT_EQ(snap.sources.size(), 1u);
  EXPECT_EQ(snap.sources[0].key, "email");
  ASSERT_EQ(snap.visitors.size(), 1u);
  EXPECT_EQ(snap.visitors[0].source, "email");
  EXPECT_EQ(snap.visitors[0].campaign, "winter");
}

TEST(LiveSources, TheirTextsGoWithTheVisitor) {
  LiveSet live(1'000);
  live.apply(view(1, "/", 1, "search", "launch"));
  EXPECT_EQ(live.distinct_texts(), 5u);  // "", host, path, source, campaign
  live.expire(5'000);
  EXPECT_EQ(live.distinct_texts(), 1u);
}

TEST(LiveSources, SnapshotJsonListsSourcesAndCampaignsAndEachVisitorsOwn) {
  LiveSet live(300'000);
  live.apply(view(1, "/", 1, "campaign", "launch"));
  live.apply(view(2, "/", 1, "direct"));
  const auto json = nlohmann::json::parse(snapshot_json(live.snapshot(1), {}, false));
  EXPECT_EQ(json.at("sources"), nlohmann::json::parse(
                                    R"([{"source":"campaign","viewers":1},{"source":"direct","viewers":1}])"));
  EXPECT_EQ(json.at("campaigns"), nlohmann::json::parse(R"([{"campaign":"launch","viewers":1}])"));
  ASSERT_EQ(json.at("visitors").size(), 2u);
  for (const auto& visitor : json.at("visitors")) {
    if (visitor.at("source") == "campaign") {
      EXPECT_EQ(visitor.at("campaign"), "launch");
    } else {
      EXPECT_EQ(visitor.at("source"), "direct");
      EXPECT_TRUE(visitor.at("campaign").is_null());
    }
  }
}

TEST(LiveSources, AVisitRowKeepsItsLandingsCampaignAndSource) {
  VisitTracker tracker(60'000);
  std::vector<Visit> closed;
  Hit landing = view(1, "/in", 1'000, "social", "launch");
  landing.campaign.source = "news";
  landing.source_name = "Twitter";
  landing.referrer_host = "t.co";
  tracker.apply(landing, closed);
  tracker.apply(view(1, "/next", 2'000, ""), closed);  // internal navigation
  tracker.apply(view(1, "/again", 3'000, "search", "other"), closed);  // a later source: not the visit's
  Hit leave = view(1, "/again", 4'000, "");
  leave.kind = HitKind::leave;
  tracker.apply(leave, closed);
  tracker.expire(5'000, closed);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].campaign, (Campaign{.source = "news", .name = "launch"}));
  EXPECT_EQ(closed[0].source_group, "social");
  EXPECT_EQ(closed[0].source_name, "Twitter");
  EXPECT_EQ(closed[0].referrer_host, "t.co");
}

}  // namespace
}  // namespace onlooker
