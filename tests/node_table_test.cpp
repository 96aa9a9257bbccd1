// The cluster's nodes list: expire() tells when a node came, went, or went
// up or down, so that the hub pushes a snapshot even when no visitor moved.
#include <gtest/gtest.h>

#include "node_table.h"

namespace onlooker {
namespace {

Hit view_at(std::uint8_t person, std::int64_t ts_ms) {
  Hit hit;
  hit.kind = HitKind::view;
  hit.visitor[0] = person;
  hit.ts_ms = ts_ms;
  hit.host = "example.org";
  return hit;
}

std::int64_t live_on(const NodeTable& nodes, const std::string& node, std::int64_t now_ms) {
  for (const NodeStatus& status : nodes.list(now_ms)) {
    if (status.node == node) return status.live;
  }
  return -1;
}

TEST(NodeTable, APersonIsOnTheNodeOfTheirLatestHitByTimeNotByArrival) {
  NodeTable nodes(60'000);
  const std::int64_t t = 1'000'000;
  // B's later view comes through Redis before A has drained its own
  // earlier one (a slow drain): the person is on B.
  nodes.heard("web-b", {view_at(1, t + 40)}, t + 50);
  nodes.heard("web-a", {view_at(1, t)}, t + 60);
  EXPECT_EQ(live_on(nodes, "web-b", t + 60), 1);
  EXPECT_EQ(live_on(nodes, "web-a", t + 60), 0);
  // A later view on A moves them back.
  nodes.heard("web-a", {view_at(1, t + 100)}, t + 110);
  EXPECT_EQ(live_on(nodes, "web-a", t + 110), 1);
  EXPECT_EQ(live_on(nodes, "web-b", t + 110), 0);
  // A leave from B older than that view, drained late, does not end the stay.
  Hit leave = view_at(1, t + 90);
  leave.kind = HitKind::leave;
  nodes.heard("web-b", {leave}, t + 120);
  EXPECT_EQ(live_on(nodes, "web-a", t + 120), 1);
  // A newer one does.
  leave.ts_ms = t + 130;
  nodes.heard("web-a", {leave}, t + 140);
  EXPECT_EQ(live_on(nodes, "web-a", t + 140), 0);
}

TEST(NodeTable, ExpireTellsWhenANodeComesGoesDownAndComesBack) {
  NodeTable nodes(60'000);
  const std::int64_t t = 1'000'000;
  nodes.heard("web-a", {}, t);
  EXPECT_TRUE(nodes.expire(t)) << "a new node";
  EXPECT_FALSE(nodes.expire(t + 1000)) << "still up: nothing to say";
  EXPECT_TRUE(nodes.expire(t + 6000)) << "silent for 5 s: down";
  EXPECT_FALSE(nodes.list(t + 6000).at(0).up);
  EXPECT_FALSE(nodes.expire(t + 7000));
  nodes.heard("web-a", {}, t + 8000);
  EXPECT_TRUE(nodes.expire(t + 8000)) << "heard again: up";
  EXPECT_TRUE(nodes.expire(t + 8000 + 60'000)) << "silent for the window: gone";
  EXPECT_TRUE(nodes.list(t + 68'000).empty());
}

}  // namespace
}  // namespace onlooker
