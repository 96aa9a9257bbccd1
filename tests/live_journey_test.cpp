// The live set's journeys (GET /api/journey): a person's page views in their
// stay, in time order, bounded, and gone with them.
#include <gtest/gtest.h>

#include "live_set.h"
#include "support/live_hits.h"

namespace onlooker {
namespace {

using test::hit;

std::vector<std::string> paths(const LiveJourney& journey) {
  std::vector<std::string> out;
  for (const auto& step : journey.steps) out.push_back(step.path);
  return out;
}

VisitorId id(std::uint8_t who) {
  VisitorId visitor;
  visitor.fill(who);
  return visitor;
}

TEST(LiveJourney, HoldsAPersonsPageViewsInTimeOrderNotTheirBeats) {
  LiveSet live(60'000);
  live.apply(hit(1, "/", 1'000));
  live.apply(hit(1, "/pricing.html", 5'000));
  live.apply(hit(1, "/pricing.html", 20'000, HitKind::beat));
  live.apply(hit(1, "/signup.html", 30'000));
  live.apply(hit(1, "/about.html", 3'000));  // logged late: it goes where it belongs
  const auto journey = live.journey("a.example", id(1));
  ASSERT_TRUE(journey.has_value());
  EXPECT_EQ(paths(*journey),
            (std::vector<std::string>{"/", "/about.html", "/pricing.html", "/signup.html"}));
  EXPECT_EQ(journey->steps[0].ts_ms, 1'000);
  EXPECT_EQ(journey->steps[3].ts_ms, 30'000);
  EXPECT_EQ(journey->views, 4u);
  EXPECT_EQ(journey->first_seen_ms, 1'000);
  EXPECT_EQ(journey->last_seen_ms, 30'000);
  EXPECT_EQ(journey->id, to_hex(id(1)));
}

TEST(LiveJourney, KeepsTheLatestViewsUpToTheCapAndForgetsThemWithThePerson) {
  LiveSet live(60'000);
  const int views = static_cast<int>(live_journey_views_kept) + 10;
  for (int n = 1; n <= views; ++n) live.apply(hit(1, "/p" + std::to_string(n), n * 100));
  // Older than every view kept: not kept.
  live.apply(hit(1, "/older", 50));
  const auto journey = live.journey("a.example", id(1));
  ASSERT_TRUE(journey.has_value());
  ASSERT_EQ(journey->steps.size(), live_journey_views_kept);
  EXPECT_EQ(journey->steps.front().path, "/p11");
  EXPECT_EQ(journey->steps.back().path, "/p" + std::to_string(views));
  EXPECT_EQ(journey->views, static_cast<std::uint32_t>(views) + 1);
  // The texts of the views pushed out went back to the pool; all go with the person.
  EXPECT_LE(live.distinct_texts(), live_journey_views_kept + 3);
  live.expire(views * 100 + 60'000);
  EXPECT_FALSE(live.journey("a.example", id(1)).has_value());
  EXPECT_EQ(live.distinct_texts(), 1u);  // "" stays
}

TEST(LiveJourney, AViewsLeaveOrHideGivesItsEngagedTimeAndNothingElseDoes) {
  LiveSet live(60'000);
  auto reported = [](Hit h, std::uint32_t visible_ms, bool deferred = false) {
    h.visible_ms = visible_ms;
    h.deferred = deferred;
    return h;
  };
  live.apply(hit(1, "/", 1'000));
  live.apply(hit(1, "/pricing.html", 10'000));
  live.apply(hit(1, "/", 20'000));
  // The second "/" is hidden after 3 s, then left for the next page after 7 s
  // (the visit tracker defers that leave: the person stays).
  live.apply(reported(hit(1, "/", 23'000, HitKind::hide), 3'000));
  live.apply(reported(hit(1, "/", 30'000, HitKind::leave), 7'000, true));
  // A hide reporting less than a leave before it does not shrink the time;
  // a leave of a page not in the journey, or older than every view of its
  // page, changes nothing.
  live.apply(reported(hit(1, "/", 30'500, HitKind::hide), 1'000));
  live.apply(reported(hit(1, "/nowhere.html", 31'000, HitKind::leave), 9'000, true));
  live.apply(reported(hit(1, "/pricing.html", 5'000, HitKind::leave), 4'000, true));
  live.apply(hit(1, "/signup.html", 31'000));
  const auto journey = live.journey("a.example", id(1));
  ASSERT_TRUE(journey.has_value());
  ASSERT_EQ(paths(*journey),
            (std::vector<std::string>{"/", "/pricing.html", "/", "/signup.html"}));
  EXPECT_FALSE(journey->steps[0].engaged_ms.has_value());
  EXPECT_FALSE(journey->steps[1].engaged_ms.has_value());
  EXPECT_EQ(journey->steps[2].engaged_ms, std::optional<std::uint32_t>(7'000));
  EXPECT_FALSE(journey->steps[3].engaged_ms.has_value());
}

TEST(LiveJourney, NoneForABotAnotherSiteOrSomeoneWhoLeft) {
  LiveSet live(60'000);
  Hit bot = hit(2, "/", 1'000);
  bot.device = "bot";
  live.apply(bot);
  live.apply(hit(3, "/", 1'000, HitKind::view, "b.example"));
  live.apply(hit(4, "/", 1'000));
  EXPECT_FALSE(live.journey("a.example", id(2)).has_value());
  EXPECT_FALSE(live.journey("a.example", id(3)).has_value());
  EXPECT_TRUE(live.journey("b.example", id(3)).has_value());
  EXPECT_FALSE(live.journey("nowhere.example", id(4)).has_value());
  live.apply(hit(4, "/", 2'000, HitKind::leave));
  EXPECT_FALSE(live.journey("a.example", id(4)).has_value());
}

}  // namespace
}  // namespace onlooker
