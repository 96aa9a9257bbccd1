#include "lru_cache.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

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

TEST(LruCache, FindsAStringKeyByAView) {
  LruCache<std::string, int> cache(2);
  cache.insert("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", 1);
  const std::string_view agent = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
  ASSERT_NE(cache.find(agent), nullptr);
  EXPECT_EQ(*cache.find(agent), 1);
  EXPECT_EQ(cache.find(agent.substr(0, 10)), nullptr);
}

TEST(LruCache, InsertReturnsTheStoredValue) {
  LruCache<std::string, int> cache(2);
  EXPECT_EQ(*cache.insert("a", 1), 1);
  EXPECT_EQ(*cache.insert("a", 2), 2);
  const int* stored = cache.insert("b", 3);
  EXPECT_EQ(stored, cache.find("b"));
}

TEST(LruCache, EvictsInRecencyOrderOverManyRounds) {
  LruCache<int, int> cache(3);
  for (int key = 0; key < 100; ++key) {
    cache.insert(key, key * 10);
    if (key >= 1) {
      ASSERT_NE(cache.find(key - 1), nullptr);  // keeps the previous one fresh
    }
  }
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_NE(cache.find(99), nullptr);
  EXPECT_NE(cache.find(98), nullptr);
  EXPECT_EQ(*cache.find(97), 970);
  EXPECT_EQ(cache.find(96), nullptr);
}

TEST(LruCache, ZeroCapacityCachesNothing) {
  LruCache<int, int> cache(0);
  cache.insert(1, 1);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.find(1), nullptr);
}

}  // namespace
}  // namespace onlooker
