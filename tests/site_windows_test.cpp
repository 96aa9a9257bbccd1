// --site-active-window: each site's visitors leave by that site's window,
// in the live set, the open visits, the per-node counts and a restart's
// restore; the flag and config key that set it.
#include <gtest/gtest.h>

#include "active_windows.h"
#include "clock.h"
#include "drain_loop.h"
#include "live_set.h"
#include "node_table.h"
#include "options.h"
#include "support/collecting_feed.h"
#include "support/temp_dir.h"
#include "support/test_ring.h"
#include "visit_tracker.h"

namespace onlooker {
namespace {

using std::chrono::seconds;
using test::CollectingFeed;

Hit view(std::uint8_t who, std::string host, std::int64_t ts) {
  Hit hit;
  hit.visitor.fill(who);
  hit.host = std::move(host);
  hit.path = "/";
  hit.ts_ms = ts;
  return hit;
}

// Default 10 s; short.example 2 s; every name under blog.example 5 s.
const std::vector<SiteWindow> rules{{"short.example", seconds(2)}, {"*.blog.example", seconds(5)}};

TEST(SiteWindows, EachDistinctWindowIsOneTierAndTheFirstMatchingRuleWins) {
  const ActiveWindows windows(seconds(10),
                              {{"a.example", seconds(2)},
                               {"*.example", seconds(5)},
                               {"b.example", seconds(2)},  // after *.example: never reached
                               {"c.test", seconds(10)}});   // the default's own tier
  EXPECT_EQ(windows.tiers(), 3u);
  EXPECT_EQ(windows.window_ms_for("a.example"), 2'000);
  EXPECT_EQ(windows.window_ms_for("b.example"), 5'000);
  EXPECT_EQ(windows.window_ms_for("x.a.example"), 5'000);
  EXPECT_EQ(windows.window_ms_for("example"), 10'000);  // *.example is not example itself
  EXPECT_EQ(windows.tier("c.test"), 0u);
  EXPECT_EQ(windows.tier("elsewhere.org"), 0u);
  EXPECT_EQ(windows.longest_ms(), 10'000);
  EXPECT_EQ(ActiveWindows(seconds(10), {{"a.example", seconds(60)}}).longest_ms(), 60'000);
  // Rules that keep the default window change nothing: one tier, as without them.
  EXPECT_EQ(ActiveWindows(seconds(10), {{"a.example", seconds(10)}}).tiers(), 1u);
}

TEST(SiteWindows, TwoHostsVisitorsLeaveEachAtItsOwnCutoff) {
  LiveSet live(ActiveWindows(seconds(10), rules));
  live.apply(view(1, "short.example", 0));
  live.apply(view(2, "long.example", 0));
  live.apply(view(3, "www.blog.example", 0));
  EXPECT_EQ(live.expire(1'999), 0u);
  EXPECT_EQ(live.expire(2'000), 1u);
  EXPECT_EQ(live.people("short.example"), 0);
  EXPECT_EQ(live.people("long.example"), 1);
  EXPECT_EQ(live.people("www.blog.example"), 1);
  EXPECT_EQ(live.expire(4'999), 0u);
  EXPECT_EQ(live.expire(5'000), 1u);  // the pattern's window
  EXPECT_EQ(live.people("www.blog.example"), 0);
  EXPECT_EQ(live.expire(9'999), 0u);
  EXPECT_EQ(live.expire(10'000), 1u);
  EXPECT_EQ(live.size(), 0u);
}

// In one recency list, a long-window visitor seen earlier would stand in
// front of a short-window visitor seen later and hold them in.
TEST(SiteWindows, AnOlderLongWindowVisitorDoesNotHoldAShortWindowOneIn) {
  LiveSet live(ActiveWindows(seconds(10), rules));
  live.apply(view(1, "long.example", 0));
  live.apply(view(2, "short.example", 1'000));
  EXPECT_EQ(live.expire(3'000), 1u);
  EXPECT_EQ(live.people("short.example"), 0);
  EXPECT_EQ(live.people("long.example"), 1);
  // A visitor on both sites is two entries, each by its site's window.
  live.apply(view(3, "short.example", 4'000));
  live.apply(view(3, "long.example", 4'000));
  EXPECT_EQ(live.expire(6'000), 1u);
  EXPECT_EQ(live.people(), 2);
}

TEST(SiteWindows, SnapshotsListVisitorsOfEveryWindowNewestFirst) {
  LiveSet live(ActiveWindows(seconds(10), rules));
  live.apply(view(1, "long.example", 100));
  live.apply(view(2, "short.example", 200));
  live.apply(view(3, "long.example", 300));
  live.apply(view(4, "x.blog.example", 400));
  live.apply(view(2, "short.example", 500));
  const LiveSnapshot snap = live.snapshot(600);
  ASSERT_EQ(snap.visitors.size(), 4u);
  std::vector<std::int64_t> seen;
  for (const LiveVisitor& visitor : snap.visitors) seen.push_back(visitor.last_seen_ms);
  EXPECT_EQ(seen, (std::vector<std::int64_t>{500, 400, 300, 100}));
  EXPECT_EQ(live.snapshot(600, "short.example").active, 1);
}

TEST(SiteWindows, VisitsEndAfterTheirSitesWindowOfSilence) {
  VisitTracker tracker(PresenceSettings{.active_window_ms = 10'000, .site_windows = rules});
  std::vector<Visit> closed;
  tracker.apply(view(1, "long.example", 0), closed);
  tracker.apply(view(2, "short.example", 0), closed);
  EXPECT_EQ(tracker.window_ms("short.example"), 2'000);
  tracker.expire(1'999, closed);
  EXPECT_TRUE(closed.empty());
  tracker.expire(2'000, closed);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].host, "short.example");
  // A beat after the short window finds no visit there (without a tick in between).
  Hit beat = view(3, "short.example", 3'000);
  tracker.apply(beat, closed);
  beat.kind = HitKind::beat;
  beat.ts_ms = 5'001;
  EXPECT_EQ(tracker.apply(beat, closed), Presence::orphaned);
  beat.host = "long.example";
  beat.visitor.fill(1);
  EXPECT_EQ(tracker.apply(beat, closed), Presence::counted);
}

TEST(SiteWindows, ANodesCountOfAVisitorEndsWithTheirSitesWindow) {
  NodeTable nodes(ActiveWindows(seconds(10), rules));
  nodes.heard("web-1", {view(1, "short.example", 0), view(2, "long.example", 0)}, 0);
  nodes.expire(2'000);
  auto list = nodes.list(2'000);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].live, 1);
  nodes.expire(9'999);
  ASSERT_EQ(nodes.list(9'999).size(), 1u);
  EXPECT_EQ(nodes.list(9'999)[0].live, 1);
  nodes.expire(10'000);  // nobody left and silent for the longest window: gone
  EXPECT_TRUE(nodes.list(10'000).empty());
}

struct NullSink final : HistorySink {
  std::optional<RingPosition> committed_position() override { return std::nullopt; }
  void commit(const HistoryBatch&) override {}
  std::size_t delete_before(std::int64_t, std::size_t, const HostFilter&) override { return 0; }
  void record_alerts(std::span<const AlertRow>) override {}
};

// History is read back for the longest window; each site takes its own.
TEST(SiteWindows, ARestartRestoresEachSiteByItsOwnWindow) {
  test::TempDir dir;
  test::TestRing ring(dir.file("ring"), 64);
  RingReader reader(dir.file("ring"));
  NullSink sink;
  CollectingFeed feed;
  DrainLoop drain(reader, sink, feed,
                  {.active_window = std::chrono::milliseconds(60'000),
                   .site_windows = {{"short.example", seconds(5)}}});
  const std::int64_t now = unix_now_ms();
  drain.restore({view(1, "short.example", now - 30'000), view(2, "long.example", now - 30'000),
                 view(3, "short.example", now - 1'000)});
  ASSERT_EQ(feed.hits.size(), 2u);
  EXPECT_EQ(feed.hits[0].host, "long.example");
  EXPECT_EQ(feed.hits[1].visitor, view(3, "", 0).visitor);
}

std::variant<Options, ParseExit> parse(std::vector<std::string> args) {
  args.insert(args.begin(), {"onlookerd", "--ring", "/r", "--db", "/d"});
  return parse_options(args);
}

TEST(SiteWindows, FlagsAndConfigKeysMakeOneListCommandLineFirst) {
  test::TempDir dir;
  dir.write("onlookerd.conf", "site-active-window = *.b.example=600\n");
  const auto parsed = parse({"--config", dir.file("onlookerd.conf"), "--site-active-window",
                             "a.example=30", "--site-active-window", "c.example=86400"});
  ASSERT_TRUE(std::holds_alternative<Options>(parsed)) << std::get<ParseExit>(parsed).text;
  const auto& windows = std::get<Options>(parsed).site_active_windows;
  const std::vector<SiteWindow> expected{{"a.example", seconds(30)},
                                         {"c.example", seconds(86400)},
                                         {"*.b.example", seconds(600)}};
  EXPECT_EQ(windows, expected);
}

TEST(SiteWindows, BadValuesExitTwoQuotingTheValue) {
  for (const char* bad : {"a.example", "a.example=", "a.example=0", "a.example=-5",
                          "a.example=86401", "a.example=1m", "A.example=30", "*=30",
                          "a.example=9999999"}) {
    const auto parsed = parse({"--site-active-window", bad});
    const auto* exit = std::get_if<ParseExit>(&parsed);
    ASSERT_NE(exit, nullptr) << bad;
    EXPECT_EQ(exit->status, 2) << bad;
    EXPECT_NE(exit->text.find(std::string("--site-active-window '") + bad + "'"),
              std::string::npos)
        << exit->text;
  }
}

}  // namespace
}  // namespace onlooker
