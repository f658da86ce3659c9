// Checked arithmetic: amounts and balances at the int64 limits are refused, never wrapped.
#include "tests/ledger/ledger_fixture.h"

namespace pardner::ledger::testing {
namespace {

TEST(CheckedMoney, RefusesOverflowAtTheInt64Limits) {
  EXPECT_EQ(checked_add(INT64_MAX - 1, 1).value(), INT64_MAX);
  EXPECT_REFUSED(checked_add(INT64_MAX, 1), Errc::overflow);
  EXPECT_REFUSED(checked_add(INT64_MIN, -1), Errc::overflow);
  EXPECT_EQ(checked_sub(INT64_MIN + 1, 1).value(), INT64_MIN);
  EXPECT_REFUSED(checked_sub(INT64_MIN, 1), Errc::overflow);
  EXPECT_REFUSED(checked_mul(INT64_MAX / 2 + 1, 2), Errc::overflow);
  EXPECT_EQ(checked_negate(INT64_MAX).value(), -INT64_MAX);
  EXPECT_REFUSED(checked_negate(INT64_MIN), Errc::overflow);
}

class Overflow : public LedgerTest {};

// 1024 postings of 2^53 - 1 reach 2^63 - 1024; the 1025th would pass INT64_MAX.
TEST_F(Overflow, ABalanceThatWouldPassInt64MaxIsRefused) {
  auto source = open("equity:source", AccountType::equity);
  auto sink = open("assets:sink", AccountType::asset);
  std::vector<std::future<Result<Applied>>> futures;
  for (int i = 0; i < 1024; ++i) {
    futures.push_back(writer_->submit(make_transfer(next_key(), sink, source, json_amount_max)));
  }
  for (auto& future : futures) ASSERT_TRUE(future.get());
  auto full = reader_->balance(sink).value();
  EXPECT_EQ(full.debits_posted, INT64_MAX - 1023);
  EXPECT_REFUSED(transfer(sink, source, json_amount_max), Errc::overflow);
  EXPECT_TRUE(transfer(sink, source, 1023));
  EXPECT_REFUSED(transfer(sink, source, 1), Errc::overflow);
  EXPECT_EQ(reader_->balance(sink).value().debits_posted, INT64_MAX);
  auto trial = reader_->trial_balance();
  ASSERT_TRUE(trial);
  EXPECT_EQ(trial.value()[0].debits, trial.value()[0].credits);
}

TEST(SplitExact, GivesLeftoverUnitsToLargestRemaindersTiesToLowerIndex) {
  std::vector<Minor> weights = {1, 1, 1};
  EXPECT_EQ(split_exact(100, weights).value(), (std::vector<Minor>{34, 33, 33}));
  std::vector<Minor> uneven = {5000, 3000, 2000};
  EXPECT_EQ(split_exact(1, uneven).value(), (std::vector<Minor>{1, 0, 0}));
  EXPECT_EQ(split_exact(7, uneven).value(), (std::vector<Minor>{4, 2, 1}));
  std::vector<Minor> huge = {INT64_MAX, INT64_MAX};
  EXPECT_EQ(split_exact(INT64_MAX, huge).value(), (std::vector<Minor>{INT64_MAX / 2 + 1, INT64_MAX / 2}));
  std::vector<Minor> zero = {0, 0};
  EXPECT_REFUSED(split_exact(5, zero), Errc::invalid_argument);
}

}  // namespace
}  // namespace pardner::ledger::testing
