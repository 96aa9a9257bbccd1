// The day keys in the ring header (shared/onlooker_day_key.h): one key per
// UTC day, installed once, found by every reader, wiped after its day.
#include <gtest/gtest.h>

#include "onlooker_day_key.h"
#include "support/temp_dir.h"
#include "support/test_ring.h"

namespace onlooker {
namespace {

using test::TempDir;
using test::TestRing;

constexpr std::uint64_t kDay = 20'000;  // a UTC day number (2024-10-04)

TEST(DayKey, TheFirstCandidateIsInstalledAndEveryoneElseGetsIt) {
  TempDir dir;
  TestRing ring(dir.file("ring"), 64);
  const std::uint64_t mine[2] = {11, 12}, theirs[2] = {21, 22};
  std::uint64_t key[2] = {};
  int installed = 0;

  ASSERT_EQ(onlooker_day_key_get(ring.header(), kDay, mine, key, &installed), 1);
  EXPECT_EQ(installed, 1);
  EXPECT_EQ(key[0], 11u);
  ASSERT_EQ(onlooker_day_key_get(ring.header(), kDay, theirs, key, &installed), 1);
  EXPECT_EQ(installed, 0);  // another worker's candidate stays unused
  EXPECT_EQ(key[0], 11u);
  EXPECT_EQ(key[1], 12u);
  EXPECT_EQ(ring.header()->day_keys[kDay & 1].day, kDay);
}

TEST(DayKey, ANewDayGetsANewKeyAndYesterdaysIsZeroed) {
  TempDir dir;
  TestRing ring(dir.file("ring"), 64);
  const std::uint64_t first[2] = {11, 12}, second[2] = {21, 22};
  std::uint64_t key[2] = {};
  int installed = 0;
  ASSERT_EQ(onlooker_day_key_get(ring.header(), kDay, first, key, &installed), 1);
  ASSERT_EQ(onlooker_day_key_get(ring.header(), kDay + 1, second, key, &installed), 1);
  EXPECT_EQ(installed, 1);
  EXPECT_EQ(key[0], 21u);
  const onlooker_day_key& old = ring.header()->day_keys[kDay & 1];
  EXPECT_EQ(old.day, 0u);
  EXPECT_EQ(old.key[0], 0u);
  EXPECT_EQ(old.key[1], 0u);
  // Nobody can get yesterday's key back: a reader whose clock still says
  // yesterday is given today's (it lags by milliseconds at midnight).
  ASSERT_EQ(onlooker_day_key_get(ring.header(), kDay, nullptr, key, &installed), 1);
  EXPECT_EQ(key[0], 21u);
}

TEST(DayKey, AKeyInstalledAheadForTomorrowIsUsedAndTodaysKept) {
  TempDir dir;
  TestRing ring(dir.file("ring"), 64);
  const std::uint64_t today[2] = {1, 2}, agreed[2] = {7, 8}, local[2] = {5, 6};
  std::uint64_t key[2] = {};
  int installed = 0;
  ASSERT_EQ(onlooker_day_key_get(ring.header(), kDay, today, key, &installed), 1);
  ring.header()->day_keys[(kDay + 1) & 1] = onlooker_day_key{};  // yesterday gone
  // e.g. onlookerd, with the key a cluster agreed for tomorrow
  ASSERT_EQ(onlooker_day_key_install(ring.header(), kDay + 1, agreed), 1);
  onlooker_day_key_wipe_before(ring.header(), kDay);
  ASSERT_EQ(onlooker_day_key_get(ring.header(), kDay, local, key, &installed), 1);
  EXPECT_EQ(key[0], 1u);  // today still today's
  ASSERT_EQ(onlooker_day_key_get(ring.header(), kDay + 1, local, key, &installed), 1);
  EXPECT_EQ(installed, 0);
  EXPECT_EQ(key[0], 7u);  // tomorrow the agreed one, not a worker's own
}

TEST(DayKey, ABusySlotIsNotWaitedFor) {
  TempDir dir;
  TestRing ring(dir.file("ring"), 64);
  const std::uint64_t candidate[2] = {1, 2};
  std::uint64_t key[2] = {};
  int installed = 0;
  // a writer that stalled between claiming the slot and publishing the key
  ring.header()->day_keys[kDay & 1].day = kDay | ONLOOKER_DAY_KEY_BUSY;
  EXPECT_EQ(onlooker_day_key_get(ring.header(), kDay, candidate, key, &installed), 0);
  EXPECT_EQ(installed, 0);
}

TEST(DayKey, UtcDayIsUnixMillisecondsOverADay) {
  EXPECT_EQ(onlooker_utc_day(0), 0u);
  EXPECT_EQ(onlooker_utc_day(86'399'999), 0u);
  EXPECT_EQ(onlooker_utc_day(86'400'000), 1u);
}

}  // namespace
}  // namespace onlooker
