#include "lru_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace onlooker {
namespace {

TEST(LruCache, FindsWhatWasInserted) {
  LruCache<std::string, int> cache(4);
  cache.insert("a", 1);
  ASSERT_NE(cache.find("a"), nullptr);
  EXPECT_EQ(*cache.find("a"), 1);
  EXPECT_EQ(cache.find("b"), nullptr);
}

TEST(LruCache, EvictsTheLeastRecentlyUsedWhenFull) {
  LruCache<std::string, int> cache(2);
  cache.insert("a", 1);
  cache.insert("b", 2);
  ASSERT_NE(cache.find("a"), nullptr);  // "b" is now the least recently used
  cache.insert("c", 3);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_NE(cache.find("a"), nullptr);
  EXPECT_EQ(cache.find("b"), nullptr);
  EXPECT_NE(cache.find("c"), nullptr);
}

TEST(LruCache, ReplacingAValueKeepsOneEntry) {
  LruCache<std::string, int> cache(2);
  cache.insert("a", 1);
  cache.insert("a", 2);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(*cache.find("a"), 2);
}

TEST(LruCache, ZeroCapacityCachesNothing) {
  LruCache<int, int> cache(0);
  cache.insert(1, 1);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.find(1), nullptr);
}

}  // namespace
}  // namespace onlooker
