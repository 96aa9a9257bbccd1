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
  tracker.expire(46'000, closed);  // past the leave's grace
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
  tracker.expire(4'000, closed);
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


// beacon.js's beats and leaves name their tab; page views name none.
Hit from_tab(std::uint64_t tab, std::uint8_t who, std::string path, std::int64_t ts,
             HitKind kind = HitKind::beat) {
  Hit h = hit(who, std::move(path), ts, kind);
  h.tab = tab;
  return h;
}

TEST(VisitTracker, ALeaveFromOneOfTwoTabsKeepsThePersonAndTheirVisit) {
  VisitTracker tracker(60'000);
  std::vector<Visit> closed;
  tracker.apply(hit(1, "/a", 1'000), closed);
  tracker.apply(from_tab(0xA, 1, "/a", 1'010), closed);
  tracker.apply(hit(1, "/b", 2'000), closed);
  tracker.apply(from_tab(0xB, 1, "/b", 2'010), closed);
  Hit leave = from_tab(0xB, 1, "/b", 3'000, HitKind::leave);
  EXPECT_EQ(tracker.apply(leave, closed), Presence::counted);
  EXPECT_TRUE(leave.deferred);  // the live set does not end the person on it
  std::vector<Hit> departures;
  tracker.expire(60'000, closed, departures);
  EXPECT_TRUE(closed.empty());
  EXPECT_TRUE(departures.empty());
  // The last tab goes: the person departs after the grace, one visit, and its
  // exit page is that of the tab that was left.
  tracker.apply(from_tab(0xA, 1, "/a", 61'000, HitKind::leave), closed);
  tracker.expire(61'499, closed, departures);
  EXPECT_TRUE(departures.empty());
  tracker.expire(62'000, closed, departures);
  ASSERT_EQ(departures.size(), 1u);
  EXPECT_EQ(departures[0].kind, HitKind::leave);
  EXPECT_FALSE(departures[0].deferred);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].pages, 2);
  EXPECT_EQ(closed[0].entry_page, "/a");
  EXPECT_EQ(closed[0].exit_page, "/a");
  EXPECT_EQ(closed[0].last_seen_ms, 61'000);
}

// Within one tab, the leave of page A may be logged before the view of page
// B (a slow response) or after it (the usual order): one visit either way.
TEST(VisitTracker, NavigatingInOneTabNeverSplitsTheVisit) {
  for (bool leave_first : {true, false}) {
    VisitTracker tracker(60'000);
    std::vector<Visit> closed;
    std::vector<Hit> departures;
    tracker.apply(hit(1, "/a", 1'000), closed);
    tracker.apply(from_tab(7, 1, "/a", 1'001), closed);
    if (leave_first) tracker.apply(from_tab(7, 1, "/a", 5'000, HitKind::leave), closed);
    tracker.apply(hit(1, "/b", 5'100), closed);
    if (!leave_first) tracker.apply(from_tab(7, 1, "/a", 5'150, HitKind::leave), closed);
    tracker.apply(from_tab(7, 1, "/b", 5'200), closed);
    tracker.expire(10'000, closed, departures);
    EXPECT_TRUE(closed.empty()) << leave_first;
    EXPECT_TRUE(departures.empty()) << leave_first;
    tracker.apply(from_tab(7, 1, "/b", 11'000, HitKind::leave), closed);
    tracker.expire(12'000, closed, departures);
    ASSERT_EQ(closed.size(), 1u) << leave_first;
    EXPECT_EQ(closed[0].pages, 2);
    EXPECT_EQ(closed[0].exit_page, "/b");
    EXPECT_EQ(departures.size(), 1u);
  }
}

// A page without beacon.js sends views only, and an old beacon.js sends no
// tab id: both behave as before tabs.
TEST(VisitTracker, BeatsAndLeavesWithoutTabsEndTheVisitAsBefore) {
  VisitTracker tracker(60'000);
  std::vector<Visit> closed;
  tracker.apply(hit(1, "/a", 1'000), closed);
  tracker.apply(hit(1, "/a", 2'000, HitKind::beat), closed);
  tracker.apply(hit(1, "/a", 3'000, HitKind::leave), closed);
  tracker.expire(4'000, closed);
  ASSERT_EQ(closed.size(), 1u);
  // A tab's leave of a page followed by a view on a page without beacon.js:
  // the person is on that page until the window says otherwise.
  tracker.apply(hit(2, "/a", 1'000), closed);
  tracker.apply(from_tab(9, 2, "/a", 1'001), closed);
  tracker.apply(hit(2, "/plain", 2'000), closed);
  tracker.apply(from_tab(9, 2, "/a", 2'010, HitKind::leave), closed);
  tracker.expire(10'000, closed);
  EXPECT_EQ(closed.size(), 1u);
  EXPECT_EQ(tracker.open_visits(), 1u);
}

TEST(VisitTracker, ABeatOrLeaveWithoutAPageViewConjuresNobody) {
  VisitTracker tracker(60'000);
  std::vector<Visit> closed;
  EXPECT_EQ(tracker.apply(hit(1, "/", 1'000, HitKind::beat), closed), Presence::orphaned);
  EXPECT_EQ(tracker.apply(hit(1, "/", 1'000, HitKind::leave), closed), Presence::orphaned);
  EXPECT_EQ(tracker.open_visits(), 0u);
  // Nor after the visit it belonged to has timed out.
  tracker.apply(hit(2, "/", 1'000), closed);
  EXPECT_EQ(tracker.apply(hit(2, "/", 70'000, HitKind::beat), closed), Presence::orphaned);
  tracker.close_all(closed);
  for (const Visit& visit : closed) EXPECT_GT(visit.pages, 0);
}

// Cookie mode takes any 32-hex id: a leave with someone else's id, from
// another address or browser, must not end them.
TEST(VisitTracker, BeatsAndLeavesFromAnotherAddressOrBrowserAreIgnored) {
  VisitTracker tracker(60'000);
  std::vector<Visit> closed;
  Hit view = hit(1, "/", 1'000);
  view.address = {4, {192, 0, 2, 1}};
  view.user_agent = "Firefox";
  tracker.apply(view, closed);
  Hit forged = from_tab(5, 1, "/", 2'000, HitKind::leave);
  forged.address = {4, {198, 51, 100, 7}};
  forged.user_agent = "Firefox";
  EXPECT_EQ(tracker.apply(forged, closed), Presence::mismatched);
  forged.address = view.address;
  forged.user_agent = "curl";
  EXPECT_EQ(tracker.apply(forged, closed), Presence::mismatched);
  tracker.expire(5'000, closed);
  EXPECT_EQ(tracker.open_visits(), 1u);
  Hit own = forged;
  own.user_agent = "Firefox";
  EXPECT_EQ(tracker.apply(own, closed), Presence::counted);
  tracker.expire(5'000, closed);
  EXPECT_EQ(tracker.open_visits(), 0u);
}

TEST(VisitTracker, OneAddressHoldsAtMostMaxPerAddressVisitors) {
  VisitTracker tracker(PresenceSettings{.active_window_ms = 60'000, .max_per_address = 3});
  std::vector<Visit> closed;
  for (std::uint8_t who = 1; who <= 5; ++who) {
    Hit view = hit(who, "/", 1'000);
    view.address = {4, {203, 0, 113, 9}};
    view.user_agent = "agent " + std::to_string(who);
    EXPECT_EQ(tracker.apply(view, closed), who <= 3 ? Presence::counted : Presence::refused);
  }
  Hit other = hit(9, "/", 1'000);
  other.address = {4, {203, 0, 113, 10}};
  EXPECT_EQ(tracker.apply(other, closed), Presence::counted);
  EXPECT_EQ(tracker.open_visits(), 4u);
  EXPECT_EQ(tracker.addresses(), 2u);
  tracker.close_all(closed);  // a closed visit frees its place
  EXPECT_EQ(tracker.addresses(), 0u);
}

// At start the visits of the last window are replayed from history (no
// address, no tabs): beats go on counting, and the rows written when
// onlookerd stopped are not written again.
TEST(VisitTracker, VisitsReplayedAtStartTakeBeatsAndWriteOnlyWhatIsNew) {
  VisitTracker tracker(60'000);
  std::vector<Visit> closed;
  Hit a = hit(1, "/a", 1'000);
  Hit b = hit(2, "/b", 1'000);
  EXPECT_EQ(tracker.restore(a, closed), Presence::counted);
  EXPECT_EQ(tracker.restore(b, closed), Presence::counted);
  Hit orphan = hit(3, "/", 1'000, HitKind::beat);
  EXPECT_EQ(tracker.restore(orphan, closed), Presence::orphaned);
  Hit beat = from_tab(4, 1, "/a", 20'000);
  beat.address = {4, {192, 0, 2, 1}};
  EXPECT_EQ(tracker.apply(beat, closed), Presence::counted);
  tracker.apply(hit(2, "/c", 21'000), closed);
  tracker.close_all(closed);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].visitor, to_hex(b.visitor));
  EXPECT_EQ(closed[0].pages, 1);
  EXPECT_EQ(closed[0].entry_page, "/c");
}

TEST(VisitTracker, AForgedFloodOfTabIdsStaysBounded) {
  VisitTracker tracker(60'000);
  std::vector<Visit> closed;
  tracker.apply(hit(1, "/", 1'000), closed);
  for (std::uint64_t tab = 1; tab <= 10'000; ++tab) {
    tracker.apply(from_tab(tab, 1, "/", 1'000 + static_cast<std::int64_t>(tab)), closed);
  }
  // Only the newest tabs are kept: the oldest tab's leave is unknown (and
  // so a tab-less leave of the page the person is on).
  TabSet tabs;
  for (std::uint64_t tab = 1; tab <= 100; ++tab) tabs.seen(tab, static_cast<std::int64_t>(tab), "/");
  EXPECT_EQ(tabs.size(), TabSet::max_tabs);
  EXPECT_EQ(tabs.leave(1, "/"), TabSet::Left::unknown);
  EXPECT_EQ(tabs.leave(100, "/"), TabSet::Left::closed);
}

}  // namespace
}  // namespace onlooker

namespace onlooker {
namespace {

// A tab's hide and show are judged as its beats are: nobody can flip
// another person to idle, or bring in someone with no page view.
TEST(VisitTracker, HideAndShowAreCheckedLikeBeats) {
  VisitTracker tracker(60'000);
  std::vector<Visit> closed;
  EXPECT_EQ(tracker.apply(from_tab(5, 1, "/", 500, HitKind::hide), closed), Presence::orphaned);
  Hit view = hit(1, "/", 1'000);
  view.address = {4, {192, 0, 2, 1}};
  view.user_agent = "Firefox";
  tracker.apply(view, closed);
  for (const HitKind kind : {HitKind::hide, HitKind::show}) {
    Hit forged = from_tab(5, 1, "/", 2'000, kind);
    forged.address = {4, {198, 51, 100, 7}};
    forged.user_agent = "Firefox";
    EXPECT_EQ(tracker.apply(forged, closed), Presence::mismatched) << to_string(kind);
    Hit own = forged;
    own.address = view.address;
    EXPECT_EQ(tracker.apply(own, closed), Presence::counted) << to_string(kind);
  }
  // A hide keeps the visit as a beat does.
  Hit late_hide = from_tab(5, 1, "/", 50'000, HitKind::hide);
  late_hide.address = view.address;
  late_hide.user_agent = "Firefox";
  EXPECT_EQ(tracker.apply(late_hide, closed), Presence::counted);
  tracker.expire(70'000, closed);
  EXPECT_EQ(tracker.open_visits(), 1u);
}

// A page's visible time cannot exceed the time since its tab came to the
// page (plus the slack for the first beat's trip), nor, for a tab the
// tracker does not know, the time since the visit's newest page view.
TEST(VisitTracker, VisibleTimeIsCappedByTheWallTimeSinceThePageOpened) {
  VisitTracker tracker(PresenceSettings{.active_window_ms = 600'000, .visible_slack_ms = 2'000});
  std::vector<Visit> closed;
  tracker.apply(hit(1, "/a", 1'000), closed);
  tracker.apply(from_tab(7, 1, "/a", 1'100), closed);  // beacon.js's first beat
  Hit honest = from_tab(7, 1, "/a", 11'100, HitKind::hide);
  honest.visible_ms = 9'500;
  tracker.apply(honest, closed);
  EXPECT_EQ(honest.visible_ms, 9'500u);
  Hit inflated = from_tab(7, 1, "/a", 21'100, HitKind::leave);
  inflated.visible_ms = 3'600'000;
  tracker.apply(inflated, closed);
  EXPECT_EQ(inflated.visible_ms, 22'000u);  // 20 s on the page + 2 s slack

  tracker.apply(hit(1, "/b", 100'000), closed);
  Hit unknown_tab = from_tab(9, 1, "/b", 105'000, HitKind::hide);
  unknown_tab.visible_ms = 90'000;
  tracker.apply(unknown_tab, closed);
  EXPECT_EQ(unknown_tab.visible_ms, 7'000u);  // 5 s since the view + 2 s slack
}

// One client sending leave after leave (made-up tab ids: each leave's time is
// capped only by the time since the page view) cannot make its visit engaged
// for longer than it lasted, and so cannot move the site's engaged time.
TEST(VisitTracker, LeaveAfterLeaveCannotMakeAVisitEngagedLongerThanItLasted) {
  VisitTracker tracker(PresenceSettings{.active_window_ms = 60'000, .visible_slack_ms = 2'000});
  std::vector<Visit> closed;
  std::vector<Hit> departures;
  tracker.apply(hit(1, "/a", 1'000), closed);
  for (std::uint64_t tab = 100; tab < 150; ++tab) {
    Hit forged = from_tab(tab, 1, "/a", 11'000, HitKind::leave);
    forged.visible_ms = 3'600'000;
    tracker.apply(forged, closed);
  }
  tracker.expire(200'000, closed, departures);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].engaged_ms, 12'000);  // 10 s from the view to the last leave + 2 s slack
}

// Per page too: forged leaves count only pages the visit viewed, no more
// views than it made, and no more time than the visit was engaged.
TEST(VisitTracker, ForgedLeavesCannotMoveAPagesEngagedTime) {
  VisitTracker tracker(PresenceSettings{.active_window_ms = 60'000, .visible_slack_ms = 2'000});
  std::vector<Visit> closed;
  std::vector<Hit> departures;
  tracker.apply(hit(1, "/a", 1'000), closed);
  for (std::uint64_t tab = 100; tab < 150; ++tab) {
    Hit forged = from_tab(tab, 1, tab % 2 ? "/a" : "/never-viewed", 11'000, HitKind::leave);
    forged.visible_ms = 3'600'000;
    tracker.apply(forged, closed);
  }
  tracker.expire(200'000, closed, departures);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].page_engaged, (std::vector<PageEngaged>{{"/a", 12'000, 1}}));
}

// Closing a tab fires its hide, then its leave; the hide may be logged last.
TEST(VisitTracker, AHideLoggedAfterTheLastLeaveDoesNotKeepThePerson) {
  VisitTracker tracker(60'000);
  std::vector<Visit> closed;
  std::vector<Hit> departures;
  tracker.apply(hit(1, "/", 1'000), closed);
  tracker.apply(from_tab(7, 1, "/", 1'100), closed);
  tracker.apply(from_tab(7, 1, "/", 5'000, HitKind::leave), closed);
  tracker.apply(from_tab(7, 1, "/", 5'001, HitKind::hide), closed);
  tracker.expire(6'000, closed, departures);
  EXPECT_EQ(departures.size(), 1u);
  EXPECT_EQ(tracker.open_visits(), 0u);
}

// The other tab's leave and late hide end that tab only; the background
// tab's keep-alives keep the person past the window, until it closes too.
TEST(VisitTracker, ABackgroundTabsKeepAlivesKeepThePersonAfterTheOtherTabCloses) {
  VisitTracker tracker(6'000);
  std::vector<Visit> closed;
  std::vector<Hit> departures;
  tracker.apply(hit(1, "/a", 1'000), closed);
  tracker.apply(from_tab(7, 1, "/a", 1'100), closed);
  tracker.apply(hit(1, "/b", 1'200), closed);
  tracker.apply(from_tab(8, 1, "/b", 1'300), closed);
  tracker.apply(from_tab(7, 1, "/a", 2'000, HitKind::leave), closed);
  tracker.apply(from_tab(7, 1, "/a", 2'001, HitKind::hide), closed);
  for (std::int64_t at = 3'000; at <= 12'000; at += 1'000) {
    tracker.apply(from_tab(8, 1, "/b", at), closed);
    tracker.expire(at + 500, closed, departures);
  }
  EXPECT_TRUE(departures.empty());
  EXPECT_EQ(tracker.open_visits(), 1u);
  tracker.apply(from_tab(8, 1, "/b", 12'500, HitKind::leave), closed);
  tracker.apply(from_tab(8, 1, "/b", 12'501, HitKind::hide), closed);
  tracker.expire(13'100, closed, departures);
  EXPECT_EQ(departures.size(), 1u);
  EXPECT_EQ(tracker.open_visits(), 0u);
}

}  // namespace
}  // namespace onlooker
