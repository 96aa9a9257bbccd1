// Which journey rollup rows a range reads (journey_plan.h): month rows for
// whole months, and for a month covered in part its month row minus the
// days outside when fewer days hold rows outside than inside and the month
// still has all its day rows; day rows otherwise. The sums themselves are
// checked against the walks in journey_rollups_test.cpp.
#include <gtest/gtest.h>

#include <vector>

#include "journey_plan.h"

namespace onlooker {
namespace {

constexpr std::int64_t oct_1 = 1'790'812'800'000;  // 2026-10-01 00:00 UTC
constexpr std::int64_t nov_1 = oct_1 + 31 * day_ms;
constexpr std::int64_t dec_1 = nov_1 + 30 * day_ms;
constexpr std::int64_t jan_1 = dec_1 + 31 * day_ms;

JourneyRange days(std::int64_t from_ms, std::int64_t to_ms) {
  HistoryRequest request;
  request.from_ms = from_ms;
  request.to_ms = to_ms;
  return journey_range(request);
}

const auto every_month_whole = [](std::int64_t) { return true; };

TEST(JourneyPlan, WholeMonthsAreOneReadOfMonthRows) {
  EXPECT_EQ(plan_journey_parts(days(oct_1, jan_1), {oct_1, jan_1 - day_ms}, every_month_whole),
            (std::vector<JourneyPart>{{JourneySpan::month, oct_1, jan_1, 1}}));
}

TEST(JourneyPlan, ARangeEndingOnTheLastStoredDayReadsThatMonthSoFarAsItsMonthRow) {
  // Data up to Dec 10 (today), a range from Oct 20 to the end of today.
  const JourneyDays stored{oct_1 - 400 * day_ms, dec_1 + 9 * day_ms};
  EXPECT_EQ(plan_journey_parts(days(oct_1 + 19 * day_ms, dec_1 + 10 * day_ms), stored,
                               every_month_whole),
            (std::vector<JourneyPart>{{JourneySpan::month, nov_1, jan_1, 1},
                                      {JourneySpan::day, oct_1 + 19 * day_ms, nov_1, 1}}));
}

TEST(JourneyPlan, AMonthMostlyInsideIsItsMonthRowMinusTheDaysOutside) {
  const JourneyDays stored{oct_1 - 400 * day_ms, jan_1 + 40 * day_ms};
  // Oct 3 .. Dec 28: 2 days out of October, 3 out of December.
  EXPECT_EQ(plan_journey_parts(days(oct_1 + 2 * day_ms, dec_1 + 28 * day_ms), stored,
                               every_month_whole),
            (std::vector<JourneyPart>{{JourneySpan::month, oct_1, jan_1, 1},
                                      {JourneySpan::day, oct_1, oct_1 + 2 * day_ms, -1},
                                      {JourneySpan::day, dec_1 + 28 * day_ms, jan_1, -1}}));
  // Within one month, days out at both ends.
  EXPECT_EQ(plan_journey_parts(days(nov_1 + 3 * day_ms, nov_1 + 27 * day_ms), stored,
                               every_month_whole),
            (std::vector<JourneyPart>{{JourneySpan::month, nov_1, dec_1, 1},
                                      {JourneySpan::day, nov_1, nov_1 + 3 * day_ms, -1},
                                      {JourneySpan::day, nov_1 + 27 * day_ms, dec_1, -1}}));
}

TEST(JourneyPlan, AMonthMostlyOutsideIsItsDays) {
  const JourneyDays stored{oct_1 - 400 * day_ms, jan_1 + 40 * day_ms};
  EXPECT_EQ(plan_journey_parts(days(oct_1 + 20 * day_ms, nov_1 + 5 * day_ms), stored,
                               every_month_whole),
            (std::vector<JourneyPart>{{JourneySpan::day, oct_1 + 20 * day_ms, nov_1 + 5 * day_ms,
                                       1}}));
}

TEST(JourneyPlan, AMonthWhoseDaysRetentionMayHaveCutIsReadByTheDay) {
  const JourneyDays stored{oct_1 - 400 * day_ms, jan_1 + 40 * day_ms};
  std::vector<std::int64_t> asked;
  const auto december_cut = [&](std::int64_t month) {
    asked.push_back(month);
    return month != dec_1;
  };
  EXPECT_EQ(plan_journey_parts(days(oct_1 + 2 * day_ms, dec_1 + 28 * day_ms), stored,
                               december_cut),
            (std::vector<JourneyPart>{{JourneySpan::month, oct_1, dec_1, 1},
                                      {JourneySpan::day, oct_1, oct_1 + 2 * day_ms, -1},
                                      {JourneySpan::day, dec_1, dec_1 + 28 * day_ms, 1}}));
  EXPECT_EQ(asked, (std::vector<std::int64_t>{oct_1, dec_1}));  // not November: whole
}

}  // namespace
}  // namespace onlooker
