// The cluster's nodes list: expire() tells when a node came, went, or went
// up or down, so that the hub pushes a snapshot even when no visitor moved.
#include <gtest/gtest.h>

#include "node_table.h"

namespace onlooker {
namespace {

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
