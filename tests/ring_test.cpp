// The ring as both sides use it: the module's producer calls (through the
// test writer) and onlookerd's RingReader.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "record_decoder.h"
#include "ring_reader.h"
#include "support/temp_dir.h"
#include "support/test_ring.h"

namespace onlooker {
namespace {

using test::TempDir;
using test::TestRecord;
using test::TestRing;

Hit read_hit(RingReader& reader, std::uint64_t pos) {
  EXPECT_EQ(reader.state(pos), SlotState::ready);
  auto hit = decode_record(reader.record(pos), reader.generation(), pos);
  EXPECT_TRUE(hit.has_value());
  return hit.value_or(Hit{});
}

TEST(Ring, PushedRecordIsReadBackWithEveryField) {
  TempDir dir;
  TestRing ring(dir.file("ring"), 64);
  RingReader reader(dir.file("ring"));
  TestRecord record{.kind = ONLOOKER_KIND_BEAT, .status = 304, .ts_ms = 1234,
                    .visitor_byte = 9, .host = "h.example", .path = "/a/b",
                    .referrer = "ref.example/x", .user_agent = "UA"};
  ASSERT_TRUE(ring.push(record));
  const Hit hit = read_hit(reader, 0);
  EXPECT_EQ(hit.kind, HitKind::beat);
  EXPECT_EQ(hit.status, 304);
  EXPECT_EQ(hit.ts_ms, 1234);
  EXPECT_EQ(hit.host, "h.example");
  EXPECT_EQ(hit.path, "/a/b");
  EXPECT_EQ(hit.referrer, "ref.example/x");
  EXPECT_EQ(hit.user_agent, "UA");
  EXPECT_EQ(to_hex(hit.visitor), "09090909090909090909090909090909");
  EXPECT_EQ(hit.address.family, 4);
  EXPECT_EQ(reader.state(1), SlotState::empty);
}

TEST(Ring, FreeingASlotZeroesItsClientAddress) {
  TempDir dir;
  TestRing ring(dir.file("ring"), 64);
  RingReader reader(dir.file("ring"));
  ASSERT_TRUE(ring.push({.address = {198, 51, 100, 7}}));
  ASSERT_TRUE(ring.push({.address = {203, 0, 113, 9}}));
  EXPECT_EQ(read_hit(reader, 0).address.bytes[0], 198);
  reader.free_until(2);
  for (std::uint64_t pos = 0; pos < 2; ++pos) {
    const onlooker_record& record = onlooker_ring_slot(ring.header(), pos)->record;
    EXPECT_EQ(record.addr_family, 0) << pos;
    for (std::uint8_t byte : record.addr) EXPECT_EQ(byte, 0) << pos;
    EXPECT_EQ(std::string(record.text, record.host_len), "example.com");  // the rest stays
  }
}

TEST(Ring, TheLimitedBeatsCounterIsReadBack) {
  TempDir dir;
  TestRing ring(dir.file("ring"), 64);
  RingReader reader(dir.file("ring"));
  __atomic_fetch_add(&ring.header()->beats_limited, 5, __ATOMIC_RELAXED);
  EXPECT_EQ(reader.counters().beats_limited, 5u);
}

TEST(Ring, WrapsAroundManyLapsInOrder) {
  TempDir dir;
  TestRing ring(dir.file("ring"), 64);
  RingReader reader(dir.file("ring"));
  std::uint64_t next = 0;
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 40; ++i) {
      ASSERT_TRUE(ring.push({.ts_ms = next + static_cast<std::uint64_t>(i)}));
    }
    for (int i = 0; i < 40; ++i, ++next) {
      EXPECT_EQ(read_hit(reader, next).ts_ms, static_cast<std::int64_t>(next));
    }
    reader.free_until(next);
  }
  EXPECT_EQ(reader.counters().written, 2000u);
  EXPECT_EQ(reader.counters().consumed, 2000u);
  EXPECT_EQ(reader.counters().dropped, 0u);
}

TEST(Ring, FullRingDropsAndCountsUntilFreed) {
  TempDir dir;
  TestRing ring(dir.file("ring"), 64);
  RingReader reader(dir.file("ring"));
  for (int i = 0; i < 64; ++i) ASSERT_TRUE(ring.push({}));
  EXPECT_FALSE(ring.push({}));
  EXPECT_FALSE(ring.push({}));
  EXPECT_EQ(reader.counters().dropped, 2u);
  EXPECT_EQ(reader.counters().written, 64u);
  reader.free_until(1);
  EXPECT_TRUE(ring.push({}));
  EXPECT_FALSE(ring.push({}));
  EXPECT_EQ(reader.counters().dropped, 3u);
}

TEST(Ring, AFullRingReadsAsEmptyPastItsHead) {
  TempDir dir;
  TestRing ring(dir.file("ring"), 64);
  RingReader reader(dir.file("ring"));
  for (int i = 0; i < 64; ++i) ASSERT_TRUE(ring.push({}));
  EXPECT_EQ(reader.state(63), SlotState::ready);
  EXPECT_EQ(reader.state(64), SlotState::empty);  // slot 0 still holds position 0
  reader.free_until(1);
  EXPECT_EQ(reader.state(0), SlotState::freed);
  EXPECT_EQ(reader.state(64), SlotState::empty);  // free now, not yet written
}

TEST(Ring, TornSlotIsSkippedCountedAndItsLatePublishFails) {
  TempDir dir;
  TestRing ring(dir.file("ring"), 64);
  RingReader reader(dir.file("ring"));
  const auto stuck = ring.claim_only({.path = "/died"});
  ASSERT_TRUE(ring.push({.path = "/after"}));
  EXPECT_EQ(reader.state(stuck), SlotState::pending);
  ASSERT_TRUE(reader.skip_torn(stuck));
  EXPECT_EQ(reader.state(stuck), SlotState::freed);
  EXPECT_EQ(reader.counters().torn, 1u);
  EXPECT_FALSE(ring.publish(stuck));  // the slow writer learns it was skipped
  EXPECT_EQ(read_hit(reader, stuck + 1).path, "/after");
  reader.free_until(stuck + 2);
  // The skipped slot is writable again on the next lap.
  for (int i = 0; i < 64; ++i) ASSERT_TRUE(ring.push({}));
}

TEST(Ring, PublishedSlotCannotBeSkipped) {
  TempDir dir;
  TestRing ring(dir.file("ring"), 64);
  RingReader reader(dir.file("ring"));
  const auto pos = ring.claim_only({});
  ASSERT_TRUE(ring.publish(pos));
  EXPECT_FALSE(reader.skip_torn(pos));
  EXPECT_EQ(reader.counters().torn, 0u);
}

TEST(Ring, ReaderRefusesAnotherLayoutVersion) {
  TempDir dir;
  {
    TestRing ring(dir.file("ring"), 64);
    ring.header()->layout_version = ONLOOKER_RING_LAYOUT_VERSION + 1;
  }
  try {
    RingReader reader(dir.file("ring"));
    FAIL() << "opened a ring of another layout version";
  } catch (const RingError& error) {
    EXPECT_NE(std::string(error.what()).find("layout version"), std::string::npos) << error.what();
  }
}

TEST(Ring, ReaderRefusesAFileThatIsNotARing) {
  TempDir dir;
  dir.write("not-a-ring", std::string(4096, 'x'));
  EXPECT_THROW(RingReader reader(dir.file("not-a-ring")), RingError);
  EXPECT_THROW(RingReader reader(dir.file("missing")), RingError);
}

TEST(Ring, SecondConsumerIsRefused) {
  TempDir dir;
  TestRing ring(dir.file("ring"), 64);
  RingReader first(dir.file("ring"));
  EXPECT_THROW(RingReader second(dir.file("ring")), RingError);
}

TEST(Ring, RecordFromAnotherGenerationIsRejected) {
  TempDir dir;
  TestRing ring(dir.file("ring"), 64, 7);
  RingReader reader(dir.file("ring"));
  ASSERT_TRUE(ring.push({}));
  EXPECT_FALSE(decode_record(reader.record(0), 8, 0).has_value());
  EXPECT_FALSE(decode_record(reader.record(0), 7, 1).has_value());
  EXPECT_TRUE(decode_record(reader.record(0), 7, 0).has_value());
}

TEST(Ring, LongTextIsCutAtACharacterBoundary) {
  TempDir dir;
  TestRing ring(dir.file("ring"), 64);
  RingReader reader(dir.file("ring"));
  // "é" is two bytes: a path of 319 ASCII bytes then "é" would straddle the cap.
  std::string path(ONLOOKER_PATH_MAX - 1, 'a');
  path += "\xC3\xA9tail";
  ASSERT_TRUE(ring.push({.path = path}));
  const Hit hit = read_hit(reader, 0);
  EXPECT_EQ(hit.path, std::string(ONLOOKER_PATH_MAX - 1, 'a'));
  // Four-byte characters all the way: the cut lands on a boundary too.
  std::string emoji;
  while (emoji.size() < 2 * ONLOOKER_UA_MAX) emoji += "\xF0\x9F\x98\x80";
  ASSERT_TRUE(ring.push({.user_agent = emoji}));
  const Hit second = read_hit(reader, 1);
  EXPECT_EQ(second.user_agent.size() % 4, 0u);
  EXPECT_LE(second.user_agent.size(), ONLOOKER_UA_MAX);
  EXPECT_EQ(second.user_agent, emoji.substr(0, second.user_agent.size()));
}

TEST(Ring, LeaveCarriesVisibleTime) {
  TempDir dir;
  TestRing ring(dir.file("ring"), 64);
  RingReader reader(dir.file("ring"));
  ASSERT_TRUE(ring.push({.kind = ONLOOKER_KIND_LEAVE, .visible_ms = 5123}));
  const Hit hit = read_hit(reader, 0);
  EXPECT_EQ(hit.visible_ms, 5123u);
  EXPECT_TRUE(hit.campaign.empty());
}

// Layout 4: the four campaign fields follow the user agent, each with its
// own length, so a value may hold any byte but a control character.
TEST(Ring, Layout4CarriesTheFourCampaignFieldsEachWithItsCap) {
  TempDir dir;
  TestRing ring(dir.file("ring"), 64);
  RingReader reader(dir.file("ring"));
  const std::string long_name(ONLOOKER_CAMPAIGN_VALUE_MAX + 10, 'n');
  ASSERT_TRUE(ring.push({.utm_source = "news", .utm_medium = "e	mail", .utm_campaign = long_name,
                         .ref = "ph"}));
  const Hit hit = read_hit(reader, 0);
  EXPECT_EQ(hit.user_agent, "test-agent");
  EXPECT_EQ(hit.campaign.source, "news");
  EXPECT_EQ(hit.campaign.medium, "e	mail");  // the decoder does not judge bytes: the module does
  EXPECT_EQ(hit.campaign.name, long_name.substr(0, ONLOOKER_CAMPAIGN_VALUE_MAX));
  EXPECT_EQ(hit.campaign.ref, "ph");

  // A campaign length beyond its cap is a record another process garbled.
  for (std::size_t field = 0; field < ONLOOKER_CAMPAIGN_FIELDS; ++field) {
    alignas(8) std::uint8_t bytes[ONLOOKER_SLOT_SIZE - 8];
    std::memcpy(bytes, &reader.record(0), sizeof bytes);
    auto& garbled = *reinterpret_cast<onlooker_record*>(bytes);
    garbled.campaign_len[field] = ONLOOKER_CAMPAIGN_VALUE_MAX + 1;
    EXPECT_FALSE(decode_record(garbled, garbled.generation, garbled.seq).has_value()) << field;
  }
}

// A layout-3 file (the one before the campaign fields) is refused by name,
// not read with the wrong offsets.
TEST(Ring, ReaderRefusesTheLayoutBeforeTheCampaignFields) {
  TempDir dir;
  {
    TestRing ring(dir.file("ring"), 64);
    ring.header()->layout_version = 3;
  }
  try {
    RingReader reader(dir.file("ring"));
    FAIL() << "opened a layout-3 ring";
  } catch (const RingError& error) {
    EXPECT_NE(std::string(error.what()).find("layout version"), std::string::npos) << error.what();
  }
}

// Hide and show decode; kind 4 (errors) and unknown kinds do not, so an
// older onlookerd never mistakes them for something it handles.
TEST(Ring, HideShowAndErrorDecodeAndUnknownKindsDoNot) {
  TempDir dir;
  TestRing ring(dir.file("ring"), 64);
  RingReader reader(dir.file("ring"));
  ASSERT_TRUE(ring.push({.kind = ONLOOKER_KIND_HIDE, .visible_ms = 4000}));
  ASSERT_TRUE(ring.push({.kind = ONLOOKER_KIND_SHOW}));
  const Hit hide = read_hit(reader, 0);
  EXPECT_EQ(hide.kind, HitKind::hide);
  EXPECT_EQ(hide.visible_ms, 4000u);
  EXPECT_EQ(read_hit(reader, 1).kind, HitKind::show);
  ASSERT_TRUE(ring.push({.kind = ONLOOKER_KIND_ERROR}));
  EXPECT_EQ(read_hit(reader, 2).kind, HitKind::error);
  for (const std::uint8_t kind : {0, 7, 8, 255}) {
    alignas(8) std::uint8_t bytes[ONLOOKER_SLOT_SIZE - 8];
    std::memcpy(bytes, &reader.record(0), sizeof bytes);
    auto& other = *reinterpret_cast<onlooker_record*>(bytes);
    other.kind = kind;
    EXPECT_FALSE(decode_record(other, other.generation, other.seq).has_value()) << int{kind};
  }
}

TEST(Ring, AnyByteValueIsCarriedIntact) {
  TempDir dir;
  TestRing ring(dir.file("ring"), 64);
  RingReader reader(dir.file("ring"));
  const std::string bytes("a\0b\xff\x01\n\"<x>", 10);
  ASSERT_TRUE(ring.push({.host = bytes, .path = bytes, .referrer = bytes, .user_agent = bytes}));
  const Hit hit = read_hit(reader, 0);
  EXPECT_EQ(hit.host, bytes);
  EXPECT_EQ(hit.path, bytes);
  EXPECT_EQ(hit.referrer, bytes);
  EXPECT_EQ(hit.user_agent, bytes);
}

TEST(Ring, CapacityIsTheLargestPowerOfTwoThatFits) {
  EXPECT_EQ(onlooker_ring_capacity_for(16u << 20), 16384u);
  EXPECT_EQ(onlooker_ring_capacity_for(100 * 1024), 64u);
  EXPECT_EQ(onlooker_ring_capacity_for(1000 * 1024), 512u);
  EXPECT_EQ(onlooker_ring_capacity_for(1024), 0u);  // below the minimum
}

}  // namespace
}  // namespace onlooker
