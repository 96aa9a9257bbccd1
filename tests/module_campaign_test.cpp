// The module's campaign fields seen from outside: real nginx with the built
// module writes the ring (no onlookerd, so every record stays in place), and
// the ring is read back with onlookerd's own decoder.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <thread>
#include <vector>

#include "onlooker_ring.h"
#include "record_decoder.h"
#include "support/http_client.h"
#include "support/stack.h"

namespace onlooker {
namespace {

using namespace std::chrono_literals;
using test::eventually;
using test::http_get;
using test::Stack;

int get(const Stack& stack, const std::string& target) {
  return http_get(stack.site_port(), target,
                  {{"X-Forwarded-For", "10.2.2.2"}, {"User-Agent", "Mozilla/5.0 (Campaign test)"}})
      .status;
}

// Every record the module published, decoded as onlookerd decodes it.
std::vector<Hit> ring_hits(const Stack& stack, std::uint64_t expected) {
  std::vector<Hit> hits;
  EXPECT_TRUE(eventually([&] {
    const std::string bytes = test::read_file(stack.ring_path());
    onlooker_ring_header header{};
    if (bytes.size() < sizeof header) return false;
    std::memcpy(&header, bytes.data(), sizeof header);
    hits.clear();
    for (std::uint64_t pos = 0; pos < header.head; ++pos) {
      alignas(8) std::uint8_t slot[ONLOOKER_SLOT_SIZE];
      std::memcpy(slot, bytes.data() + ONLOOKER_RING_HEADER_SIZE + pos * ONLOOKER_SLOT_SIZE,
                  sizeof slot);
      if (reinterpret_cast<const onlooker_slot*>(slot)->seq != pos + 1) return false;
      const auto& record = reinterpret_cast<const onlooker_slot*>(slot)->record;
      auto hit = decode_record(record, header.generation, pos);
      if (!hit) return false;
      hit->user_agent = {};  // points into `slot`
      hits.push_back(std::move(*hit));
    }
    return hits.size() == expected;
  }, 3s)) << hits.size() << " of " << expected << " records";
  return hits;
}

// The one record of `path` among `hits`.
const Hit& record_of(const std::vector<Hit>& hits, const std::string& path) {
  const auto it = std::find_if(hits.begin(), hits.end(), [&](const Hit& h) { return h.path == path; });
  if (it == hits.end()) throw std::runtime_error("no record of " + path);
  return *it;
}

TEST(ModuleCampaign, UtmValuesAndRefAreReadWhileTheRestOfTheQueryIsDropped) {
  Stack stack({.start_onlookerd = false});
  ASSERT_EQ(get(stack, "/index.html?utm_source=news&utm_medium=email&utm_campaign=launch&ref=ph"
                       "&secret=token"),
            200);
  ASSERT_EQ(get(stack, "/about.html?a=1&UTM_Source=Big%20News&utm_campaign=spring+sale%21"
                       "&utm_source=second"),
            200);
  ASSERT_EQ(get(stack, "/style.css?utm_source=asset"), 200);  // not a view: no record at all
  const auto hits = ring_hits(stack, 2);
  ASSERT_EQ(hits.size(), 2u);

  const Hit& landing = record_of(hits, "/index.html");  // the path carries no query
  EXPECT_EQ(landing.campaign, (Campaign{.source = "news", .medium = "email", .name = "launch",
                                        .ref = "ph"}));
  // Percent-decoded, '+' a space, names without regard to case, the first one counts.
  const Hit& second = record_of(hits, "/about.html");
  EXPECT_EQ(second.campaign, (Campaign{.source = "Big News", .name = "spring sale!"}));
}

TEST(ModuleCampaign, ControlCharactersLeaveAValueOutAndLongValuesAreCut) {
  Stack stack({.start_onlookerd = false});
  const std::string long_value(ONLOOKER_CAMPAIGN_VALUE_MAX + 20, 'x');
  // "é" (%C3%A9) straddling the cap: the cut lands before it.
  const std::string straddling(ONLOOKER_CAMPAIGN_VALUE_MAX - 1, 'y');
  ASSERT_EQ(get(stack, "/index.html?utm_source=a%0Ab&utm_medium=%7F&utm_campaign=" + long_value +
                       "&ref=ok"),
            200);
  ASSERT_EQ(get(stack, "/about.html?utm_source=" + straddling + "%C3%A9&utm_medium=&ref=100%25%zz"),
            200);
  const auto hits = ring_hits(stack, 2);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(record_of(hits, "/index.html").campaign,
            (Campaign{.name = long_value.substr(0, ONLOOKER_CAMPAIGN_VALUE_MAX), .ref = "ok"}));
  // An empty value is none; a '%' without two hex digits is kept as it is.
  EXPECT_EQ(record_of(hits, "/about.html").campaign,
            (Campaign{.source = straddling, .ref = "100%%zz"}));
}

TEST(ModuleCampaign, WithQueryOnThePathKeepsItsQueryAndTheFieldsAreFilledToo) {
  Stack stack({.server_directives = "onlooker_query on;", .start_onlookerd = false});
  ASSERT_EQ(get(stack, "/index.html?utm_source=news&x=1"), 200);
  const auto hits = ring_hits(stack, 1);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].path, "/index.html?utm_source=news&x=1");
  EXPECT_EQ(hits[0].campaign, Campaign{.source = "news"});
}

// Beats, leaves, hides and shows name their page with ?p= and carry no
// campaign, even when their URL has utm values.
TEST(ModuleCampaign, HeartbeatsCarryNoCampaign) {
  Stack stack({.start_onlookerd = false});
  ASSERT_EQ(get(stack, "/index.html?utm_source=news"), 200);
  ASSERT_EQ(get(stack, "/onlooker/beat?p=%2Findex.html&utm_source=beat"), 204);
  ASSERT_EQ(get(stack, "/onlooker/beat?p=%2Findex.html&e=leave&v=10&utm_source=leave"), 204);
  const auto hits = ring_hits(stack, 3);
  ASSERT_EQ(hits.size(), 3u);
  int views = 0;
  for (const Hit& hit : hits) {
    if (hit.kind == HitKind::view) {
      ++views;
      EXPECT_EQ(hit.campaign, Campaign{.source = "news"});
    } else {
      EXPECT_TRUE(hit.campaign.empty()) << to_string(hit.kind) << " " << hit.campaign.source;
    }
  }
  EXPECT_EQ(views, 1);
}

}  // namespace
}  // namespace onlooker
