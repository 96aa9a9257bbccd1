// What one cluster stream entry carries, and what a malformed one gives.
#include <gtest/gtest.h>

#include "cluster_wire.h"
#include "redis_url.h"

namespace onlooker {
namespace {

TEST(ClusterWire, HitsRoundTripWithEveryByteOfTheirTexts) {
  Hit hit;
  hit.ts_ms = 1'700'000'000'123;
  hit.kind = HitKind::beat;
  hit.visitor[0] = 0xab;
  hit.visitor[15] = 0x01;
  hit.tab = 77;
  hit.deferred = true;
  hit.host = "example.com";
  hit.path = std::string("/caf\xe9\0x", 7);  // not UTF-8, with a NUL
  hit.country_code = "GB";
  hit.device = "mobile";
  hit.address.family = 4;  // never published
  std::vector<Hit> back;
  ASSERT_TRUE(decode_live_hits(encode_live_hits({hit}), back));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].ts_ms, hit.ts_ms);
  EXPECT_EQ(back[0].kind, HitKind::beat);
  EXPECT_EQ(back[0].visitor, hit.visitor);
  EXPECT_EQ(back[0].tab, 77u);
  EXPECT_TRUE(back[0].deferred);
  EXPECT_EQ(back[0].path, hit.path);
  EXPECT_EQ(back[0].country_code, "GB");
  EXPECT_EQ(back[0].device, "mobile");
  EXPECT_TRUE(back[0].referrer.empty());
  EXPECT_EQ(back[0].address.family, 0);
}

TEST(ClusterWire, MalformedEntriesAreRefused) {
  std::vector<Hit> hits;
  EXPECT_FALSE(decode_live_hits("not cbor", hits));
  const std::string number = "\x01";  // CBOR 1: not an array
  EXPECT_FALSE(decode_live_hits(number, hits));
  const std::string array_of_int = "\x81\x01";  // [1]
  EXPECT_FALSE(decode_live_hits(array_of_int, hits));
}

TEST(RedisUrl, HostPortDatabaseAndPasswordAreParsedAndThePasswordIsNeverDescribed) {
  std::string why;
  const auto url = parse_redis_url("redis://user:s3cret@cache.internal:6380/2", why);
  ASSERT_TRUE(url) << why;
  EXPECT_EQ(url->host, "cache.internal");
  EXPECT_EQ(url->port, 6380);
  EXPECT_EQ(url->db, 2);
  EXPECT_EQ(url->user, "user");
  EXPECT_EQ(url->password, "s3cret");
  EXPECT_EQ(url->describe().find("s3cret"), std::string::npos);
  const auto plain = parse_redis_url("redis://[::1]", why);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->host, "::1");
  EXPECT_EQ(plain->port, 6379);
  for (const char* bad : {"http://h", "redis://", "redis://h:0", "redis://h:99999", "redis://h:x",
                          "redis://h/16", "redis://h/a", "rediss://h"}) {
    EXPECT_FALSE(parse_redis_url(bad, why)) << bad;
  }
}

}  // namespace
}  // namespace onlooker
