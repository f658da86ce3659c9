// Idempotency keys: the same key and content returns the first result without a new entry;
// different content is a conflict; a refusal is remembered, so it never turns into a yes.
#include "tests/ledger/ledger_fixture.h"

namespace pardner::ledger::testing {
namespace {

class Idempotency : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    cash_ = open("assets:cash", AccountType::asset, Minor{0});
    savings_ = open("liabilities:members:0001:savings", AccountType::liability, Minor{0});
  }
  std::int64_t log_size() {
    auto size = reader_->log_size();
    EXPECT_TRUE(size);
    return size ? size.value() : -1;
  }
  AccountId cash_ = 0, savings_ = 0;
};

TEST_F(Idempotency, ReplayReturnsTheFirstResultWithoutANewEntry) {
  auto first = submit(make_transfer("pay-1", cash_, savings_, 300));
  ASSERT_TRUE(first);
  auto size = log_size();
  auto again = submit(make_transfer("pay-1", cash_, savings_, 300));
  ASSERT_TRUE(again);
  EXPECT_EQ(again.value(), first.value());
  EXPECT_TRUE(again.value().replayed);
  EXPECT_FALSE(first.value().replayed);
  EXPECT_EQ(log_size(), size);
  EXPECT_EQ(balance(cash_), 300);
}

TEST_F(Idempotency, SameKeyWithDifferentContentIsAConflict) {
  ASSERT_TRUE(submit(make_transfer("pay-1", cash_, savings_, 300)));
  EXPECT_REFUSED(submit(make_transfer("pay-1", cash_, savings_, 301)), Errc::idempotency_conflict);
  EXPECT_REFUSED(submit(make_transfer("pay-1", cash_, savings_, 300, "other memo")),
                 Errc::idempotency_conflict);
  EXPECT_EQ(balance(cash_), 300);
}

TEST_F(Idempotency, ARefusedCommandRetriedIsRefusedAgainEvenAfterFundsArrive) {
  // Withdrawal of 500 from savings with nothing in it: refused for the floor.
  EXPECT_REFUSED(submit(make_transfer("withdraw-1", savings_, cash_, 500)), Errc::insufficient_funds);
  ASSERT_TRUE(submit(make_transfer("deposit-1", cash_, savings_, 1000)));
  // The same request again: the first answer stands, though it would now succeed.
  EXPECT_REFUSED(submit(make_transfer("withdraw-1", savings_, cash_, 500)), Errc::insufficient_funds);
  EXPECT_EQ(balance(savings_), 1000);
  // A new key is a new request.
  EXPECT_TRUE(submit(make_transfer("withdraw-2", savings_, cash_, 500)));
}

TEST_F(Idempotency, RetriesInsideOneBatchApplyOnce) {
  std::vector<std::future<Result<Applied>>> futures;
  for (int i = 0; i < 50; ++i) {
    futures.push_back(writer_->submit(make_transfer("same-key", cash_, savings_, 10)));
  }
  std::optional<Applied> first;
  for (auto& future : futures) {
    auto outcome = future.get();
    ASSERT_TRUE(outcome);
    if (!first) first = outcome.value();
    EXPECT_EQ(outcome.value(), *first);
  }
  EXPECT_EQ(balance(cash_), 10);
}

TEST_F(Idempotency, KeysAreBoundedPrintableAscii) {
  std::string longest(idempotency_key_bytes_max, 'k');
  EXPECT_TRUE(submit(make_transfer(longest, cash_, savings_, 1)));
  EXPECT_REFUSED(submit(make_transfer(longest + "k", cash_, savings_, 1)), Errc::invalid_argument);
  EXPECT_REFUSED(submit(make_transfer("has space", cash_, savings_, 1)), Errc::invalid_argument);
  EXPECT_REFUSED(submit(make_transfer("caf\xC3\xA9", cash_, savings_, 1)), Errc::invalid_argument);
}

TEST_F(Idempotency, SurvivesARestartOfTheWriter) {
  auto first = submit(make_transfer("pay-1", cash_, savings_, 300));
  ASSERT_TRUE(first);
  writer_->stop();
  start_writer();
  auto again = submit(make_transfer("pay-1", cash_, savings_, 300));
  ASSERT_TRUE(again);
  EXPECT_EQ(again.value(), first.value());
  EXPECT_EQ(balance(cash_), 300);
}

}  // namespace
}  // namespace pardner::ledger::testing
