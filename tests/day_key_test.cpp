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

// A fresh ring, and what onlooker_day_key_get hands back.
class DayKey : public ::testing::Test {
 protected:
  int get(std::uint64_t day, const std::uint64_t* candidate) {
    return onlooker_day_key_get(ring_.header(), day, candidate, key_, &installed_);
  }
  onlooker_ring_header* header() { return ring_.header(); }

  TempDir dir_;
  TestRing ring_{dir_.file("ring"), 64};
  std::uint64_t key_[2] = {};
  int installed_ = 0;
};

TEST_F(DayKey, TheFirstCandidateIsInstalledAndEveryoneElseGetsIt) {
  const std::uint64_t mine[2] = {11, 12}, theirs[2] = {21, 22};
  ASSERT_EQ(get(kDay, mine), 1);
  EXPECT_EQ(installed_, 1);
  EXPECT_EQ(key_[0], 11u);
  ASSERT_EQ(get(kDay, theirs), 1);
  EXPECT_EQ(installed_, 0);  // another worker's candidate stays unused
  EXPECT_EQ(key_[0], 11u);
  EXPECT_EQ(key_[1], 12u);
  EXPECT_EQ(header()->day_keys[kDay & 1].day, kDay);
}

TEST_F(DayKey, ANewDayGetsANewKeyAndYesterdaysIsZeroed) {
  const std::uint64_t first[2] = {11, 12}, second[2] = {21, 22};
  ASSERT_EQ(get(kDay, first), 1);
  ASSERT_EQ(get(kDay + 1, second), 1);
  EXPECT_EQ(installed_, 1);
  EXPECT_EQ(key_[0], 21u);
  const onlooker_day_key& old = header()->day_keys[kDay & 1];
  EXPECT_EQ(old.day, 0u);
  EXPECT_EQ(old.key[0], 0u);
  EXPECT_EQ(old.key[1], 0u);
  // Nobody can get yesterday's key back: a reader whose clock still says
  // yesterday is given today's (it lags by milliseconds at midnight).
  ASSERT_EQ(get(kDay, nullptr), 1);
  EXPECT_EQ(key_[0], 21u);
}

TEST_F(DayKey, AKeyInstalledAheadForTomorrowIsUsedAndTodaysKept) {
  const std::uint64_t today[2] = {1, 2}, agreed[2] = {7, 8}, local[2] = {5, 6};
  ASSERT_EQ(get(kDay, today), 1);
  // e.g. onlookerd, with the key a cluster agreed for tomorrow
  ASSERT_EQ(onlooker_day_key_install(header(), kDay + 1, agreed), 1);
  onlooker_day_key_wipe_before(header(), kDay);
  ASSERT_EQ(get(kDay, local), 1);
  EXPECT_EQ(key_[0], 1u);  // today still today's
  ASSERT_EQ(get(kDay + 1, local), 1);
  EXPECT_EQ(installed_, 0);
  EXPECT_EQ(key_[0], 7u);  // tomorrow the agreed one, not a worker's own
}

TEST_F(DayKey, ABusySlotIsNotWaitedFor) {
  const std::uint64_t candidate[2] = {1, 2};
  // a writer that stalled between claiming the slot and publishing the key
  header()->day_keys[kDay & 1].day = kDay | ONLOOKER_DAY_KEY_BUSY;
  EXPECT_EQ(get(kDay, candidate), 0);
  EXPECT_EQ(installed_, 0);
}

TEST(UtcDay, IsUnixMillisecondsOverADay) {
  EXPECT_EQ(onlooker_utc_day(0), 0u);
  EXPECT_EQ(onlooker_utc_day(86'399'999), 0u);
  EXPECT_EQ(onlooker_utc_day(86'400'000), 1u);
}

// The cluster's key (onlookerd, from Redis) replaces a node's own key of
// the day once; readers then find it; a second cluster key never replaces it.
TEST_F(DayKey, TheClustersKeyReplacesANodesOwnKeyOnceAndIsFound) {
  const std::uint64_t own[2] = {11, 12}, cluster[2] = {31, 32}, other[2] = {41, 42};
  ASSERT_EQ(get(kDay, own), 1);
  ASSERT_EQ(onlooker_day_key_replace(header(), kDay, cluster), 1);
  EXPECT_EQ(header()->day_keys[kDay & 1].day, kDay | ONLOOKER_DAY_KEY_CLUSTER);
  ASSERT_EQ(get(kDay, other), 1);
  EXPECT_EQ(installed_, 0);
  EXPECT_EQ(key_[0], 31u);
  EXPECT_EQ(key_[1], 32u);
  EXPECT_EQ(onlooker_day_key_replace(header(), kDay, other), 0);
  ASSERT_EQ(get(kDay, nullptr), 1);
  EXPECT_EQ(key_[0], 31u);
  // Installed ahead for tomorrow, found by tomorrow's first request; and
  // wiped like any key once its day is over.
  ASSERT_EQ(onlooker_day_key_replace(header(), kDay + 1, other), 1);
  ASSERT_EQ(get(kDay + 1, own), 1);
  EXPECT_EQ(installed_, 0);
  EXPECT_EQ(key_[0], 41u);
  onlooker_day_key_wipe_before(header(), kDay + 1);
  EXPECT_EQ(header()->day_keys[kDay & 1].day, 0u);
  EXPECT_EQ(header()->day_keys[kDay & 1].key[0], 0u);
}

}  // namespace
}  // namespace onlooker
