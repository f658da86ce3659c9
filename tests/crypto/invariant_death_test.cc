#include "crypto/invariant.h"

#include <gtest/gtest.h>

#include "crypto/result.h"

namespace pardner {
namespace {

TEST(Invariant, BrokenAssertionStopsTheProcessNamingTheCondition) {
  EXPECT_DEATH(PARDNER_ASSERT(1 + 1 == 3), "invariant broken: 1 \\+ 1 == 3");
}

TEST(Result, ReadingTheValueOfAnErrorStopsTheProcess) {
  Result<int, std::string> refused(std::string("no"));
  EXPECT_FALSE(refused);
  EXPECT_EQ(refused.error(), "no");
  EXPECT_DEATH((void)refused.value(), "has_value");
}

}  // namespace
}  // namespace pardner
