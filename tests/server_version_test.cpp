// Too old a Redis or PostgreSQL is named with its version, not left to fail
// at its first unknown command.
#include <gtest/gtest.h>

#include "server_version.h"

namespace onlooker {
namespace {

TEST(ServerVersion, RedisBeforeSixPointTwoIsRefusedWithItsVersion) {
  const auto old = redis_version_problem("# Server\r\nredis_version:4.0.9\r\nredis_mode:standalone\r\n");
  ASSERT_TRUE(old.has_value());
  EXPECT_NE(old->find("Redis 4.0.9 is too old"), std::string::npos) << *old;
  EXPECT_NE(old->find("Redis 6.2 or newer"), std::string::npos) << *old;
  // Streams, but no XADD MINID yet.
  EXPECT_TRUE(redis_version_problem("# Server\r\nredis_version:5.0.14\r\n"));
  EXPECT_TRUE(redis_version_problem("# Server\r\nredis_version:6.0.16\r\n"));
  EXPECT_FALSE(redis_version_problem("# Server\r\nredis_version:6.2.0\r\n"));
  EXPECT_FALSE(redis_version_problem("# Server\r\nredis_version:7.0.15\r\n"));
  EXPECT_FALSE(redis_version_problem("# Server\r\nserver:other\r\n"));  // says nothing
}

TEST(ServerVersion, PostgresBeforeTwelveIsRefusedWithItsVersion) {
  const auto eleven = postgres_version_problem(110022);
  ASSERT_TRUE(eleven.has_value());
  EXPECT_NE(eleven->find("PostgreSQL 11.22 is too old"), std::string::npos) << *eleven;
  const auto nine = postgres_version_problem(90624);
  ASSERT_TRUE(nine.has_value());
  EXPECT_NE(nine->find("PostgreSQL 9.6 is too old"), std::string::npos) << *nine;
  EXPECT_FALSE(postgres_version_problem(120000));
  EXPECT_FALSE(postgres_version_problem(150004));
  EXPECT_FALSE(postgres_version_problem(0));  // not connected: libpq says why elsewhere
}

}  // namespace
}  // namespace onlooker
