#include <gtest/gtest.h>

#include "query_string.h"

namespace onlooker {
namespace {

TEST(QueryString, SplitsPathAndQuery) {
  const auto target = split_target("/api/live?host=a.example&x=1#frag");
  EXPECT_EQ(target.path, "/api/live");
  EXPECT_EQ(target.query, "host=a.example&x=1");
  EXPECT_EQ(split_target("/healthz").query, "");
}

TEST(QueryString, FindsAndDecodesParameters) {
  EXPECT_EQ(query_param("a=1&host=b%2Eexample&c", "host"), "b.example");
  EXPECT_EQ(query_param("host=a+b", "host"), "a b");
  EXPECT_EQ(query_param("c", "c"), "");
  EXPECT_FALSE(query_param("a=1", "host").has_value());
  EXPECT_FALSE(query_param("", "host").has_value());
}

TEST(QueryString, MalformedEscapesAreKeptAsTheyAre) {
  EXPECT_EQ(percent_decode("%"), "%");
  EXPECT_EQ(percent_decode("%4"), "%4");
  EXPECT_EQ(percent_decode("%zz%41"), "%zzA");
  EXPECT_EQ(percent_decode("%00"), std::string(1, '\0'));
}

}  // namespace
}  // namespace onlooker
