// The engaged time and bounce a closed visit carries (visit_engagement.h),
// as the visit tracker works them out from views, beats, hides and leaves.
#include <gtest/gtest.h>

#include "visit_tracker.h"

namespace onlooker {
namespace {

Hit hit(std::int64_t ts, const char* path, HitKind kind = HitKind::view, std::uint64_t tab = 0,
        std::uint32_t visible_ms = 0) {
  Hit h;
  h.visitor.fill(1);
  h.host = "a.example";
  h.path = path;
  h.ts_ms = ts;
  h.kind = kind;
  h.tab = tab;
  h.visible_ms = visible_ms;
  return h;
}

Visit closed_after(VisitTracker& tracker, std::vector<Hit> hits) {
  std::vector<Visit> closed;
  for (Hit& h : hits) tracker.apply(h, closed);
  tracker.close_all(closed);
  EXPECT_EQ(closed.size(), 1u);
  return closed.empty() ? Visit{} : closed.front();
}

TEST(VisitEngagement, EachPageViewCountsTheVisibleTimeItsLeaveTells) {
  VisitTracker tracker(600'000);
  const Visit visit = closed_after(tracker, {
      hit(1'000, "/a"), hit(1'100, "/a", HitKind::beat, 7),
      hit(4'000, "/a", HitKind::hide, 7, 2'900),  // part of what the leave tells
      hit(6'000, "/a", HitKind::show, 7),
      hit(9'000, "/a", HitKind::leave, 7, 5'500),
      hit(9'100, "/b"), hit(9'200, "/b", HitKind::beat, 7),
      hit(12'000, "/b", HitKind::leave, 7, 2'500)});
  EXPECT_EQ(visit.pages, 2);
  EXPECT_EQ(visit.engaged_ms, 8'000);
  EXPECT_FALSE(visit.engaged_estimated);
  EXPECT_FALSE(visit.bounce());
}

TEST(VisitEngagement, ATabClosedWithoutALeaveKeepsItsLastHidesTime) {
  VisitTracker tracker(600'000);
  const Visit visit = closed_after(tracker, {
      hit(1'000, "/a"), hit(1'100, "/a", HitKind::beat, 7),
      hit(5'000, "/a", HitKind::hide, 7, 3'000), hit(8'000, "/a", HitKind::show, 7),
      hit(9'000, "/a", HitKind::hide, 7, 4'000)});
  EXPECT_EQ(visit.engaged_ms, 4'000);
  EXPECT_FALSE(visit.engaged_estimated);
  EXPECT_TRUE(visit.bounce());  // one page, under 10 s
}

TEST(VisitEngagement, AVisibleTimeBeyondTheWallTimeCountsOnlyTheWallTime) {
  VisitTracker tracker(600'000);
  const Visit visit = closed_after(tracker, {
      hit(1'000, "/a"), hit(1'100, "/a", HitKind::beat, 7),
      hit(4'100, "/a", HitKind::leave, 7, 900'000)});  // 3 s on the page, + 2 s slack
  EXPECT_EQ(visit.engaged_ms, 5'000);
}

TEST(VisitEngagement, PagesWithoutBeaconJsAreEstimatedFromTheTimeToTheNextView) {
  PresenceSettings settings;
  settings.active_window_ms = 600'000;
  settings.estimate_cap_ms = 180'000;
  VisitTracker tracker(settings);
  const Visit visit = closed_after(tracker, {
      hit(0, "/a"), hit(20'000, "/b"), hit(400'000, "/c")});  // 20 s, then 380 s: capped
  EXPECT_EQ(visit.pages, 3);
  EXPECT_EQ(visit.engaged_ms, 200'000);
  EXPECT_TRUE(visit.engaged_estimated);
  VisitTracker alone(settings);
  const Visit single = closed_after(alone, {hit(0, "/a")});
  EXPECT_EQ(single.engaged_ms, 0);  // no next view: nothing to estimate from
  EXPECT_TRUE(single.bounce());
}

TEST(VisitEngagement, ABounceIsOnePageUnderTenSecondsEngaged) {
  EXPECT_TRUE(is_bounce(1, 9'999));
  EXPECT_FALSE(is_bounce(1, 10'000));
  EXPECT_FALSE(is_bounce(2, 0));
}

}  // namespace
}  // namespace onlooker
