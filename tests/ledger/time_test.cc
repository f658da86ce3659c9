// Timestamps and dates: one strict text form each, round-tripping exactly.
#include "ledger/time.h"

#include <gtest/gtest.h>

namespace pardner::ledger {
namespace {

TEST(Time, FormatsRfc3339UtcWithMicroseconds) {
  EXPECT_EQ(format_timestamp(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(format_timestamp(1795348800LL * micros_per_second + 123456), "2026-11-22T12:00:00.123456Z");
  EXPECT_EQ(format_timestamp(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(format_date(date_of(951782400LL * micros_per_second)), "2000-02-29");
}

TEST(Time, FormatsEveryFieldAtItsWidthAndBounds) {
  // The last microsecond of a day, the first of the next, and the ends of four-digit years.
  EXPECT_EQ(format_timestamp(1795391999LL * micros_per_second + 999999),
            "2026-11-22T23:59:59.999999Z");
  EXPECT_EQ(format_timestamp(1795392000LL * micros_per_second), "2026-11-23T00:00:00.000000Z");
  EXPECT_EQ(format_timestamp(1795363509LL * micros_per_second + 7), "2026-11-22T16:05:09.000007Z");
  EXPECT_EQ(format_date(date_of(-62135596800LL * micros_per_second)), "0001-01-01");
  EXPECT_EQ(format_date(date_of(253402214400LL * micros_per_second)), "9999-12-31");
  // Outside four digits the year keeps its sign and digits rather than being cut.
  EXPECT_EQ(format_date(date_of(253402300800LL * micros_per_second)), "10000-01-01");
  for (Timestamp ts : std::initializer_list<Timestamp>{
           0, -1, 1795391999LL * micros_per_second + 999999, -62135596800LL * micros_per_second}) {
    EXPECT_EQ(parse_timestamp(format_timestamp(ts)), ts);
  }
}

TEST(Time, ParsesOnlyTheFormItWrites) {
  Timestamp ts = 1795348800LL * micros_per_second + 42;
  EXPECT_EQ(parse_timestamp(format_timestamp(ts)), ts);
  EXPECT_FALSE(parse_timestamp("2026-11-22T12:00:00Z"));
  EXPECT_FALSE(parse_timestamp("2026-11-22T12:00:00.000000+00:00"));
  EXPECT_FALSE(parse_timestamp("2026-11-22 12:00:00.000000Z"));
  EXPECT_FALSE(parse_timestamp("2026-02-30T12:00:00.000000Z"));
  EXPECT_FALSE(parse_timestamp("2026-11-22T24:00:00.000000Z"));
  EXPECT_EQ(parse_date("2024-02-29"), date_of(1709164800LL * micros_per_second));
  EXPECT_FALSE(parse_date("2023-02-29"));
  EXPECT_FALSE(parse_date("2023-1-05"));
  EXPECT_FALSE(parse_date("2023-01-05x"));
}

}  // namespace
}  // namespace pardner::ledger
