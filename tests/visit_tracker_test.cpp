#include <gtest/gtest.h>

#include "visit_tracker.h"

namespace onlooker {
namespace {

Hit hit(std::uint8_t who, std::string path, std::int64_t ts, HitKind kind = HitKind::view) {
  Hit h;
  h.visitor.fill(who);
  h.host = "a.example";
  h.path = std::move(path);
  h.ts_ms = ts;
  h.kind = kind;
  h.country_code = "DE";
  h.device = "desktop";
  return h;
}

TEST(VisitTracker, ALeaveClosesTheVisitWithItsPath) {
  VisitTracker tracker(60'000);
  std::vector<Visit> closed;
  tracker.apply(hit(1, "/in", 1'000), closed);
  tracker.apply(hit(1, "/middle", 2'000), closed);
  tracker.apply(hit(1, "/middle", 30'000, HitKind::beat), closed);
  tracker.apply(hit(1, "/out", 40'000), closed);
  EXPECT_TRUE(closed.empty());
  tracker.apply(hit(1, "/out", 45'000, HitKind::leave), closed);
  ASSERT_EQ(closed.size(), 1u);
  const Visit& visit = closed[0];
  EXPECT_EQ(visit.start_ms, 1'000);
  EXPECT_EQ(visit.last_seen_ms, 45'000);
  EXPECT_EQ(visit.pages, 3);
  EXPECT_EQ(visit.entry_page, "/in");
  EXPECT_EQ(visit.exit_page, "/out");
  EXPECT_EQ(visit.country, "DE");
  EXPECT_EQ(visit.device, "desktop");
  EXPECT_EQ(tracker.open_visits(), 0u);
}

// Two nginx workers may log a person's two clicks in the other order.
TEST(VisitTracker, AnEarlierHitLoggedLateIsTheEntryNotTheExit) {
  VisitTracker tracker(60'000);
  std::vector<Visit> closed;
  tracker.apply(hit(1, "/second", 2'000), closed);
  tracker.apply(hit(1, "/first", 1'000), closed);
  tracker.apply(hit(1, "", 3'000, HitKind::leave), closed);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].start_ms, 1'000);
  EXPECT_EQ(closed[0].entry_page, "/first");
  EXPECT_EQ(closed[0].exit_page, "/second");
  EXPECT_EQ(closed[0].pages, 2);
}

TEST(VisitTracker, SilenceLongerThanTheWindowEndsTheVisit) {
  VisitTracker tracker(10'000);
  std::vector<Visit> closed;
  tracker.apply(hit(1, "/", 0), closed);
  tracker.apply(hit(2, "/", 5'000), closed);
  tracker.expire(9'999, closed);
  EXPECT_TRUE(closed.empty());
  tracker.expire(10'000, closed);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].visitor, to_hex(hit(1, "/", 0).visitor));
  // A hit after a long silence starts a new visit even without a tick.
  tracker.apply(hit(2, "/again", 40'000), closed);
  ASSERT_EQ(closed.size(), 2u);
  EXPECT_EQ(closed[1].exit_page, "/");
  tracker.close_all(closed);
  ASSERT_EQ(closed.size(), 3u);
  EXPECT_EQ(closed[2].entry_page, "/again");
}

TEST(VisitTracker, LeaveFromAPageAlreadyLeftDoesNotEndTheVisit) {
  VisitTracker tracker(60'000);
  std::vector<Visit> closed;
  tracker.apply(hit(1, "/a", 0), closed);
  tracker.apply(hit(1, "/b", 1), closed);
  tracker.apply(hit(1, "/a", 2, HitKind::leave), closed);
  EXPECT_TRUE(closed.empty());
  EXPECT_EQ(tracker.open_visits(), 1u);
}

}  // namespace
}  // namespace onlooker
