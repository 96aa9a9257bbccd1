#include <gtest/gtest.h>

#include <cstring>

#include "live_set.h"
#include "support/live_hits.h"

namespace onlooker {
namespace {

using test::hit;

// A person as enrichment describes them: every field known.
Hit london_iphone(std::uint8_t who, std::string path, std::int64_t ts) {
  Hit h = hit(who, std::move(path), ts);
  h.country_code = "GB";
  h.country_name = "United Kingdom";
  h.city = "London";
  h.device = "mobile";
  h.browser = "Mobile Safari";
  h.os = "iOS";
  return h;
}

TEST(LiveSet, OnePersonOnTwoPagesIsOneVisitorOnTheLatestPage) {
  LiveSet live(300'000);
  live.apply(hit(1, "/a", 1000));
  live.apply(hit(1, "/b", 2000));
  const auto snap = live.snapshot(2000);
  EXPECT_EQ(snap.active, 1);
  ASSERT_EQ(snap.pages.size(), 1u);
  EXPECT_EQ(snap.pages[0].key, "/b");
  EXPECT_EQ(snap.visitors[0].first_seen_ms, 1000);
  EXPECT_EQ(snap.visitors[0].last_seen_ms, 2000);
}

// Two nginx workers may log a person's two clicks in the other order.
TEST(LiveSet, AnEarlierHitLoggedLateDoesNotMoveTheVisitorBack) {
  LiveSet live(300'000);
  live.apply(hit(1, "/b", 2000));
  live.apply(hit(1, "/a", 1000));
  const auto snap = live.snapshot(2000);
  ASSERT_EQ(snap.pages.size(), 1u);
  EXPECT_EQ(snap.pages[0].key, "/b");
  EXPECT_EQ(snap.visitors[0].first_seen_ms, 1000);
  EXPECT_EQ(snap.visitors[0].last_seen_ms, 2000);
}

TEST(LiveSet, PagesAreSortedByViewers) {
  LiveSet live(300'000);
  live.apply(hit(1, "/rare", 1));
  live.apply(hit(2, "/popular", 1));
  live.apply(hit(3, "/popular", 1));
  const auto snap = live.snapshot(1);
  EXPECT_EQ(snap.active, 3);
  ASSERT_EQ(snap.pages.size(), 2u);
  EXPECT_EQ(snap.pages[0].key, "/popular");
  EXPECT_EQ(snap.pages[0].viewers, 2);
  EXPECT_EQ(snap.pages[1].viewers, 1);
}

TEST(LiveSet, VisitorLeavesWhenTheWindowPassesWithoutAHit) {
  LiveSet live(5'000);
  live.apply(hit(1, "/", 1'000));
  live.apply(hit(2, "/", 3'000));
  EXPECT_EQ(live.expire(5'999), 0u);
  EXPECT_EQ(live.expire(6'000), 1u);
  EXPECT_EQ(live.snapshot(6'000).active, 1);
  live.apply(hit(2, "/", 7'000, HitKind::beat));  // a heartbeat keeps it
  EXPECT_EQ(live.expire(10'000), 0u);
  EXPECT_EQ(live.expire(12'000), 1u);
  EXPECT_EQ(live.size(), 0u);
}

TEST(LiveSet, LeaveRemovesAtOnce) {
  LiveSet live(300'000);
  live.apply(hit(1, "/", 1));
  EXPECT_TRUE(live.apply(hit(1, "/", 2, HitKind::leave)));
  EXPECT_EQ(live.snapshot(2).active, 0);
  EXPECT_FALSE(live.apply(hit(1, "/", 3, HitKind::leave)));
}

TEST(LiveSet, LeaveFromAPageAlreadyLeftIsIgnored) {
  LiveSet live(300'000);
  live.apply(hit(1, "/a", 1));
  live.apply(hit(1, "/b", 2));                   // the view of the next page won the race
  EXPECT_FALSE(live.apply(hit(1, "/a", 3, HitKind::leave)));
  EXPECT_EQ(live.snapshot(3).active, 1);
  EXPECT_TRUE(live.apply(hit(1, "/b", 4, HitKind::leave)));
  EXPECT_EQ(live.snapshot(4).active, 0);
}

TEST(LiveSet, TheReferrerIsTheFirstFromAnotherSite) {
  LiveSet live(300'000);
  Hit inside = hit(1, "/a", 1);
  inside.referrer = "a.example:8080/";
  live.apply(inside);
  EXPECT_TRUE(live.snapshot(1).referrers.empty());
  Hit outside = hit(1, "/b", 2);
  outside.referrer = "www.google.com/";
  live.apply(outside);
  Hit later = hit(1, "/c", 3);
  later.referrer = "news.example/";
  live.apply(later);
  const auto snap = live.snapshot(3);
  ASSERT_EQ(snap.referrers.size(), 1u);
  EXPECT_EQ(snap.referrers[0].key, "www.google.com/");
}

TEST(LiveSet, HostFilterShowsOneSite) {
  LiveSet live(300'000);
  live.apply(hit(1, "/", 1, HitKind::view, "a.example"));
  live.apply(hit(2, "/", 1, HitKind::view, "b.example"));
  live.apply(hit(3, "/", 1, HitKind::view, "b.example"));
  EXPECT_EQ(live.snapshot(1).active, 3);
  EXPECT_EQ(live.snapshot(1, "b.example").active, 2);
  EXPECT_EQ(live.snapshot(1, "c.example").active, 0);
}

TEST(LiveSet, BotsAreCountedApartAndNeverAsPeople) {
  LiveSet live(300'000);
  const Hit person = london_iphone(1, "/", 1);
  Hit crawler = hit(2, "/", 1);
  crawler.device = "bot";
  crawler.browser = "Googlebot";
  live.apply(person);
  live.apply(crawler);
  const auto snap = live.snapshot(1);
  EXPECT_EQ(snap.active, 1);
  EXPECT_EQ(snap.bots, 1);
  EXPECT_EQ(live.people(), 1);
  ASSERT_EQ(snap.countries.size(), 1u);
  EXPECT_EQ(snap.countries[0].key, "GB");
  EXPECT_EQ(snap.countries[0].detail, "United Kingdom");
  ASSERT_EQ(snap.cities.size(), 1u);
  EXPECT_EQ(snap.cities[0].key, "London");
  EXPECT_EQ(snap.cities[0].detail, "GB");
  ASSERT_EQ(snap.browsers.size(), 1u);  // the bot's browser is not listed
  EXPECT_EQ(snap.browsers[0].key, "Mobile Safari");
  EXPECT_EQ(snap.devices[0].key, "mobile");
  EXPECT_EQ(snap.os[0].key, "iOS");
  EXPECT_EQ(snap.visitors.size(), 1u);
}

TEST(LiveSet, PeoplePerHostFollowArrivalsAndDepartures) {
  LiveSet live(1'000);
  live.apply(hit(1, "/", 0, HitKind::view, "a.example"));
  live.apply(hit(2, "/", 500, HitKind::view, "b.example"));
  EXPECT_EQ(live.people("a.example"), 1);
  EXPECT_EQ(live.people(), 2);
  live.expire(1'000);
  EXPECT_EQ(live.people("a.example"), 0);
  EXPECT_EQ(live.people("b.example"), 1);
  live.apply(hit(2, "/", 600, HitKind::leave, "b.example"));
  EXPECT_EQ(live.people(), 0);
}

TEST(LiveSet, ExpiryKeepsUpWithManyVisitors) {
  LiveSet live(1'000);
  for (int i = 0; i < 100'000; ++i) {
    Hit h = hit(0, "/", i / 100);
    std::memcpy(h.visitor.data(), &i, sizeof i);
    live.apply(h);
  }
  EXPECT_EQ(live.size(), 100'000u);
  EXPECT_EQ(live.expire(1'500), 50'100u);  // last seen 0..500 ms
  EXPECT_EQ(live.expire(2'000), 49'900u);
}

TEST(LiveSet, SnapshotShowsEachVisitorInFull) {
  LiveSet live(300'000);
  Hit person = london_iphone(0xab, "/a", 1);
  person.referrer = "www.google.com/";
  live.apply(person);
  const auto snap = live.snapshot(1);
  ASSERT_EQ(snap.visitors.size(), 1u);
  const LiveVisitor& shown = snap.visitors[0];
  EXPECT_EQ(shown.id, "abababababababababababababababab");
  EXPECT_EQ(shown.host, "a.example");
  EXPECT_EQ(shown.path, "/a");
  EXPECT_EQ(shown.referrer, "www.google.com/");
  EXPECT_EQ(shown.country_code, "GB");
  EXPECT_EQ(shown.country_name, "United Kingdom");
  EXPECT_EQ(shown.city, "London");
  EXPECT_EQ(shown.device, "mobile");
  EXPECT_EQ(shown.browser, "Mobile Safari");
  EXPECT_EQ(shown.os, "iOS");
  EXPECT_FALSE(shown.bot);
}

TEST(LiveSet, VisitorsAreListedMostRecentlySeenFirst) {
  LiveSet live(300'000);
  live.apply(hit(1, "/", 1));
  live.apply(hit(2, "/", 2));
  live.apply(hit(1, "/", 3, HitKind::beat));
  const auto snap = live.snapshot(3);
  ASSERT_EQ(snap.visitors.size(), 2u);
  EXPECT_EQ(snap.visitors[0].id, "01010101010101010101010101010101");
  EXPECT_EQ(snap.visitors[1].id, "02020202020202020202020202020202");
}

TEST(LiveSet, TiesAreListedInOrderOfKey) {
  LiveSet live(300'000);
  live.apply(hit(1, "/c", 1));
  live.apply(hit(2, "/a", 1));
  live.apply(hit(3, "/b", 1));
  live.apply(hit(4, "/b", 1));
  const auto snap = live.snapshot(1, {}, 2);
  ASSERT_EQ(snap.pages.size(), 2u);
  EXPECT_EQ(snap.pages[0].key, "/b");
  EXPECT_EQ(snap.pages[1].key, "/a");
}

TEST(LiveSet, TextsOfVisitorsGoneAreFreed) {
  LiveSet live(1'000);
  for (std::uint8_t who = 1; who <= 100; ++who) {
    Hit made_up = hit(who, "/made-up/" + std::to_string(who), 0, HitKind::view,
                      "host" + std::to_string(who) + ".example");
    made_up.referrer = "ref" + std::to_string(who) + ".example/";
    live.apply(made_up);
    live.apply(hit(who, "/made-up/next/" + std::to_string(who), 0, HitKind::view,
                   "host" + std::to_string(who) + ".example"));
  }
  // "" + 100 hosts and referrers, and 200 paths: both views of each are in
  // its journey (live_journey_views_kept).
  EXPECT_EQ(live.distinct_texts(), 401u);
  live.apply(hit(1, "/made-up/next/1", 0, HitKind::leave, "host1.example"));
  EXPECT_EQ(live.distinct_texts(), 397u);
  live.expire(1'000);
  EXPECT_EQ(live.size(), 0u);
  EXPECT_EQ(live.distinct_texts(), 1u);
}

TEST(LiveSet, UnknownHostHasNobody) {
  LiveSet live(300'000);
  live.apply(hit(1, "/", 1));
  EXPECT_FALSE(live.apply(hit(1, "/", 2, HitKind::leave, "b.example")));
  EXPECT_EQ(live.snapshot(2, "b.example").visitors.size(), 0u);
  EXPECT_EQ(live.people("b.example"), 0);
  EXPECT_EQ(live.people(), 1);
}

TEST(LiveSet, ABeatBringsInNobody) {
  LiveSet live(300'000);
  EXPECT_FALSE(live.apply(hit(1, "/", 1000, HitKind::beat)));
  EXPECT_FALSE(live.apply(hit(2, "/", 1000, HitKind::beat, "never.example")));
  EXPECT_EQ(live.size(), 0u);
  EXPECT_TRUE(live.hosts().empty());
  live.apply(hit(1, "/", 1000));
  live.apply(hit(1, "/next", 2000, HitKind::beat));
  EXPECT_EQ(live.snapshot(2000).visitors.at(0).path, "/next");
}

// The visit tracker holds the leave of one tab; the person goes with the
// departure it sends once their last tab has gone.
TEST(LiveSet, ADeferredLeaveKeepsThePerson) {
  LiveSet live(300'000);
  live.apply(hit(1, "/", 1000));
  Hit leave = hit(1, "/", 2000, HitKind::leave);
  leave.deferred = true;
  EXPECT_FALSE(live.apply(leave));
  EXPECT_EQ(live.people(), 1);
  EXPECT_TRUE(live.apply(hit(1, "", 3000, HitKind::leave)));
  EXPECT_EQ(live.people(), 0);
}

TEST(LiveSet, AHostNobodyIsOnIsForgotten) {
  LiveSet live(10'000);
  for (int i = 0; i < 100; ++i) {
    live.apply(hit(1, "/", 1000, HitKind::view, "flood" + std::to_string(i) + ".example"));
  }
  EXPECT_EQ(live.hosts().size(), 100u);
  live.expire(20'000);
  EXPECT_TRUE(live.hosts().empty());
  EXPECT_EQ(live.people("flood1.example"), 0);
}

}  // namespace
}  // namespace onlooker

namespace onlooker {
namespace {

// Reading: no hide since the newest view or show, and heard from within the
// reading window; idle otherwise. A hide or show brings in nobody, and an
// older hide logged late does not undo a newer show.
TEST(LiveSet, PeopleAreReadingUntilTheyHideOrFallSilent) {
  LiveSet live(300'000, 45'000);
  EXPECT_FALSE(live.apply(hit(9, "/", 1'000, HitKind::hide)));
  EXPECT_EQ(live.size(), 0u);
  live.apply(hit(1, "/", 1'000));
  live.apply(hit(2, "/", 1'000, HitKind::view, "b.example"));
  EXPECT_EQ(live.reading(2'000), 2);
  EXPECT_EQ(live.reading(2'000, "b.example"), 1);
  EXPECT_TRUE(live.apply(hit(1, "/", 3'000, HitKind::hide)));
  LiveSnapshot snap = live.snapshot(4'000);
  EXPECT_EQ(snap.active, 2);
  EXPECT_EQ(snap.reading, 1);
  EXPECT_EQ(live.reading(4'000, "a.example"), 0);
  live.apply(hit(1, "/", 20'000, HitKind::beat));  // a background keep-alive
  EXPECT_EQ(live.reading(21'000, "a.example"), 0);
  EXPECT_TRUE(live.apply(hit(1, "/", 30'000, HitKind::show)));
  EXPECT_FALSE(live.apply(hit(1, "/", 25'000, HitKind::hide)));  // older, logged late
  EXPECT_EQ(live.reading(31'000, "a.example"), 1);
  // b.example's person has been silent past the reading window: idle, not gone.
  snap = live.snapshot(47'000);
  EXPECT_EQ(snap.active, 2);
  EXPECT_EQ(snap.reading, 1);
  ASSERT_EQ(snap.visitors.size(), 2u);
  EXPECT_TRUE(snap.visitors[0].reading);   // seen last: 1
  EXPECT_FALSE(snap.visitors[1].reading);  // 2
  EXPECT_EQ(live.reading(47'000), 1);
}

// --site-active-window puts each site's people in a recency list of its own:
// the reading count walks every list, not only the first.
TEST(LiveSet, ReadingCountsThePeopleOfEverySitesWindow) {
  LiveSet live(ActiveWindows(std::chrono::minutes(5), {{"b.example", std::chrono::seconds(60)}}),
               45'000);
  live.apply(hit(1, "/", 1'000));                                // a.example, default window
  live.apply(hit(2, "/", 50'000, HitKind::view, "b.example"));   // b.example, its own
  EXPECT_EQ(live.reading(60'000), 1);  // a.example's person is silent, b.example's reads
  EXPECT_EQ(live.reading(60'000, "b.example"), 1);
  live.apply(hit(1, "/", 59'000, HitKind::beat));
  EXPECT_EQ(live.reading(60'000), 2);
  live.apply(hit(2, "/", 59'500, HitKind::hide, "b.example"));
  EXPECT_EQ(live.reading(60'000), 1);
  EXPECT_EQ(live.reading(60'000, "a.example"), 1);
}

}  // namespace
}  // namespace onlooker
