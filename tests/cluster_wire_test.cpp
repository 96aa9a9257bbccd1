// What one cluster stream entry carries, and what a malformed one gives.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <random>

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
  hit.source_group = "campaign";
  hit.campaign.name = "launch";
  hit.campaign.source = "news";  // the live lists count only the group and the name
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
  EXPECT_EQ(back[0].source_group, "campaign");
  EXPECT_EQ(back[0].campaign.name, "launch");
  EXPECT_TRUE(back[0].campaign.source.empty());
  EXPECT_TRUE(back[0].referrer.empty());
  EXPECT_EQ(back[0].address.family, 0);
}

// The entry as the generic encoder wrote it before encode_live_hits wrote
// CBOR by hand: nodes of either version must read each other's entries.
// Without `with_source` it is the entry of a node from before "src" and
// "cmp" (a view's source group and campaign) were carried.
std::string generic_cbor(const std::vector<Hit>& hits, bool with_source = true) {
  using Json = nlohmann::json;
  auto bytes = [](std::string_view text) {
    return Json::binary(std::vector<std::uint8_t>(text.begin(), text.end()));
  };
  Json out = Json::array();
  for (const Hit& hit : hits) {
    Json entry = {{"ts", hit.ts_ms},
                  {"k", static_cast<int>(hit.kind)},
                  {"v", Json::binary(std::vector<std::uint8_t>(hit.visitor.begin(), hit.visitor.end()))},
                  {"tab", hit.tab},
                  {"def", hit.deferred}};
    const std::pair<const char*, std::string_view> texts[] = {
        {"host", hit.host},  {"path", hit.path},        {"ref", hit.referrer},
        {"ua", hit.user_agent}, {"cc", hit.country_code}, {"cn", hit.country_name},
        {"city", hit.city},  {"dev", hit.device},       {"br", hit.browser},
        {"os", hit.os}};
    for (const auto& [key, text] : texts) {
      if (!text.empty()) entry[key] = bytes(text);
    }
    if (with_source && !hit.source_group.empty()) entry["src"] = bytes(hit.source_group);
    if (with_source && !hit.campaign.name.empty()) entry["cmp"] = bytes(hit.campaign.name);
    out.push_back(std::move(entry));
  }
  const std::vector<std::uint8_t> cbor = Json::to_cbor(out);
  return std::string(cbor.begin(), cbor.end());
}

TEST(ClusterWire, EntriesAreTheBytesTheGenericCborEncoderWrites) {
  std::mt19937_64 random(7);
  // Lengths at each of CBOR's head sizes' edges, and none (left out).
  const std::size_t lengths[] = {0, 1, 23, 24, 255, 256, 65535, 65536};
  const std::int64_t times[] = {0, 23, 24, 255, 256, 65535, 65536, 4'294'967'295,
                                4'294'967'296, 1'795'000'000'123, -1, -25, -1'000'000};
  const std::uint64_t tabs[] = {0, 24, 0xffff, 0x1'0000'0000, ~0ull};
  for (const std::size_t count : {0u, 1u, 23u, 24u, 300u}) {
    std::vector<Hit> hits(count);
    std::vector<std::string> user_agents(count);  // a Hit only views its User-Agent
    for (std::size_t i = 0; i < count; ++i) {
      Hit& hit = hits[i];
      hit.ts_ms = times[i % std::size(times)];
      hit.kind = static_cast<HitKind>(1 + i % 3);
      hit.tab = tabs[i % std::size(tabs)];
      hit.deferred = i % 2 == 1;
      for (auto& byte : hit.visitor) byte = static_cast<std::uint8_t>(random());
      std::string* texts[] = {&hit.host, &hit.path, &hit.referrer, &user_agents[i],
                              &hit.country_code, &hit.country_name, &hit.city,
                              &hit.device, &hit.browser, &hit.os,
                              &hit.source_group, &hit.campaign.name};
      for (std::size_t t = 0; t < std::size(texts); ++t) {
        const std::size_t length = lengths[(i + t) % std::size(lengths)];
        for (std::size_t b = 0; b < length; ++b) *texts[t] += static_cast<char>(random());
      }
      hit.user_agent = user_agents[i];
    }
    EXPECT_EQ(encode_live_hits(hits), generic_cbor(hits)) << count << " hits";
  }
}

// Older and newer nodes share one stream: an older node's entry has no
// "src" or "cmp" (its visitors have no source or campaign here, the rest
// as before); an older node finds only the keys it knows in a newer entry,
// and a hit without either is the very bytes an older node writes.
TEST(ClusterWire, EntriesWithoutSourceOrCampaignAreThoseOfOlderNodesAndReadAsBefore) {
  Hit hit;
  hit.ts_ms = 1'795'000'000'456;
  hit.kind = HitKind::view;
  hit.visitor[3] = 0x42;
  hit.host = "example.com";
  hit.path = "/index.html";
  hit.referrer = "https://news.example/";
  hit.device = "desktop";
  const std::string older = generic_cbor({hit}, false);
  EXPECT_EQ(encode_live_hits({hit}), older);

  Hit with_source = hit;
  with_source.source_group = "campaign";
  with_source.campaign.name = "launch";
  std::vector<Hit> back;
  ASSERT_TRUE(decode_live_hits(generic_cbor({with_source}, false), back));
  ASSERT_TRUE(decode_live_hits(encode_live_hits({with_source}), back));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_TRUE(back[0].source_group.empty());
  EXPECT_TRUE(back[0].campaign.name.empty());
  EXPECT_EQ(back[0].path, "/index.html");
  EXPECT_EQ(back[0].referrer, "https://news.example/");
  EXPECT_EQ(back[0].visitor, hit.visitor);
  EXPECT_EQ(back[1].source_group, "campaign");
  EXPECT_EQ(back[1].campaign.name, "launch");
  EXPECT_EQ(back[1].path, "/index.html");

  // What an older node reads of a newer entry: its own keys, the same values.
  const auto newer = nlohmann::json::from_cbor(encode_live_hits({with_source}));
  const auto old = nlohmann::json::from_cbor(older);
  for (const auto& [key, value] : old.at(0).items()) {
    EXPECT_EQ(newer.at(0).at(key), value) << key;
  }
  EXPECT_EQ(newer.at(0).size(), old.at(0).size() + 2);
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
