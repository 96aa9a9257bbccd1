#include <gtest/gtest.h>

#include <string>

#include "string_pool.h"

namespace onlooker {
namespace {

TEST(StringPool, EqualTextsShareOneHandle) {
  StringPool pool;
  const auto first = pool.intern("/pricing");
  const auto second = pool.intern(std::string("/pri") + "cing");
  EXPECT_EQ(first, second);
  EXPECT_NE(first, pool.intern("/about"));
  EXPECT_EQ(pool.text(first), "/pricing");
  EXPECT_EQ(pool.size(), 3u);  // the empty string, /pricing, /about
}

TEST(StringPool, TheEmptyStringIsAlwaysThereAndNeverCounted) {
  StringPool pool;
  EXPECT_EQ(pool.intern(""), StringPool::empty);
  pool.release(StringPool::empty);
  pool.release(StringPool::empty);
  EXPECT_EQ(pool.find(""), StringPool::empty);
  EXPECT_EQ(pool.text(StringPool::empty), "");
  EXPECT_EQ(pool.size(), 1u);
}

TEST(StringPool, TextGoesWithItsLastReference) {
  StringPool pool;
  const auto handle = pool.intern("/a");
  pool.intern("/a");
  pool.retain(handle);
  pool.release(handle);
  pool.release(handle);
  EXPECT_EQ(pool.find("/a"), handle);
  pool.release(handle);
  EXPECT_EQ(pool.find("/a"), std::nullopt);
  EXPECT_EQ(pool.size(), 1u);
}

TEST(StringPool, FindAddsNoReference) {
  StringPool pool;
  const auto handle = pool.intern("/a");
  EXPECT_EQ(pool.find("/a"), handle);
  pool.release(handle);
  EXPECT_EQ(pool.find("/a"), std::nullopt);
}

TEST(StringPool, FreedHandlesAreReusedSoDistinctTextsDoNotGrowIt) {
  StringPool pool;
  const auto first = pool.intern("/made-up-path-that-is-longer-than-sso/0");
  pool.release(first);
  for (int i = 1; i < 1000; ++i) {
    const auto handle = pool.intern("/made-up-path-that-is-longer-than-sso/" + std::to_string(i));
    EXPECT_EQ(handle, first);
    pool.release(handle);
  }
  EXPECT_EQ(pool.size(), 1u);
}

TEST(StringPool, TextsStayPutWhileThePoolGrows) {
  StringPool pool;
  // Short texts live inside their slots; growing must not move them.
  const auto early = pool.intern("GB");
  for (int i = 0; i < 10'000; ++i) pool.intern(std::to_string(i));
  EXPECT_EQ(pool.find("GB"), early);
  EXPECT_EQ(pool.text(early), "GB");
  EXPECT_EQ(pool.find("9999").has_value(), true);
}

}  // namespace
}  // namespace onlooker
