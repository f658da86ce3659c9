#include "crypto/decimal.h"

#include <gtest/gtest.h>

namespace pardner::crypto {
namespace {

TEST(Decimal, ParsesCanonicalDecimalsUpTo2To64Minus1) {
  EXPECT_EQ(parse_canonical_decimal("0"), 0u);
  EXPECT_EQ(parse_canonical_decimal("7"), 7u);
  EXPECT_EQ(parse_canonical_decimal("20852163"), 20852163u);
  EXPECT_EQ(parse_canonical_decimal("18446744073709551615"), UINT64_MAX);
}

TEST(Decimal, RefusesEveryOtherSpelling) {
  for (std::string_view bad : {"", "00", "01", "-1", "+1", " 1", "1 ", "1e3", "0x10", "１",
                               "18446744073709551616", "99999999999999999999"}) {
    EXPECT_FALSE(parse_canonical_decimal(bad)) << bad;
  }
}

}  // namespace
}  // namespace pardner::crypto
