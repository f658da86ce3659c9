// Statements with running balances and cursor paging; balances as of a log position and as of a
// value date; value-date bounds.
#include "tests/ledger/ledger_fixture.h"

namespace pardner::ledger::testing {
namespace {

class Statements : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    cash_ = open("assets:cash", AccountType::asset);
    savings_ = open("liabilities:members:0001:savings", AccountType::liability);
  }
  AccountId cash_ = 0, savings_ = 0;
};

TEST_F(Statements, RunningBalancesFollowLogOrderAcrossPages) {
  std::vector<Minor> amounts = {500, -120, 75, -300, 1000, -5, 60};
  Minor expected = 0;
  std::vector<Minor> running;
  for (Minor amount : amounts) {
    auto done = amount > 0 ? transfer(cash_, savings_, amount) : transfer(savings_, cash_, -amount);
    ASSERT_TRUE(done);
    expected += amount;
    running.push_back(expected);
  }
  std::vector<StatementLine> all;
  std::optional<StatementCursor> cursor;
  int pages = 0;
  do {
    auto page = reader_->statement(savings_, cursor, 3);
    ASSERT_TRUE(page) << page.error().detail;
    for (auto& line : page.value().lines) all.push_back(line);
    cursor = page.value().next;
    ++pages;
  } while (cursor);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(all.size(), amounts.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].amount, -amounts[i]);  // credits to a liability are negative postings
    EXPECT_EQ(all[i].balance_after, running[i]);
    EXPECT_EQ(all[i].memo, "");
    if (i > 0) {
      EXPECT_GT(all[i].seq, all[i - 1].seq);
    }
  }
}

TEST_F(Statements, PageLimitIsBounded) {
  EXPECT_TRUE(reader_->statement(savings_, {}, statement_page_max));
  EXPECT_REFUSED(reader_->statement(savings_, {}, statement_page_max + 1), Errc::invalid_argument);
  EXPECT_REFUSED(reader_->statement(savings_, {}, 0), Errc::invalid_argument);
  EXPECT_REFUSED(reader_->statement(999, {}, 10), Errc::not_found);
}

TEST_F(Statements, BalanceAsOfALogPositionIncludesPendingAsItStoodThen) {
  auto first = transfer(cash_, savings_, 100);
  auto held = make_transfer(next_key(), savings_, cash_, 30);
  held.pending = true;
  auto reserved = submit(held);
  auto second = transfer(cash_, savings_, 50);
  ASSERT_TRUE(submit(VoidPending{.idempotency_key = next_key(), .transaction = reserved.value().id}));

  auto at_first = reader_->balance_as_of_seq(savings_, first.value().seq).value();
  EXPECT_EQ(at_first.balance, 100);
  EXPECT_EQ(at_first.debits_pending, 0);
  auto at_reserved = reader_->balance_as_of_seq(savings_, reserved.value().seq).value();
  EXPECT_EQ(at_reserved.balance, 100);
  EXPECT_EQ(at_reserved.debits_pending, 30);
  auto at_second = reader_->balance_as_of_seq(savings_, second.value().seq).value();
  EXPECT_EQ(at_second.balance, 150);
  EXPECT_EQ(at_second.debits_pending, 30);
  auto now = reader_->balance(savings_).value();
  EXPECT_EQ(now.balance, 150);
  EXPECT_EQ(now.debits_pending, 0);
  EXPECT_EQ(reader_->balance_as_of_seq(savings_, 0).value().balance, 0);
}

TEST_F(Statements, ValueDatesDefaultToTheEntryDateAndDriveBalancesAsOfADate) {
  Date today = date_of(clock_.now());
  auto repayment = make_transfer(next_key(), cash_, savings_, 200, "collected at last meeting");
  repayment.value_date = today - 7;
  ASSERT_TRUE(submit(repayment));
  ASSERT_TRUE(transfer(cash_, savings_, 30));
  EXPECT_EQ(reader_->balance_as_of_date(savings_, today - 8).value().balance, 0);
  EXPECT_EQ(reader_->balance_as_of_date(savings_, today - 7).value().balance, 200);
  EXPECT_EQ(reader_->balance_as_of_date(savings_, today - 1).value().balance, 200);
  EXPECT_EQ(reader_->balance_as_of_date(savings_, today).value().balance, 230);
  auto page = reader_->statement(savings_, {}, 10).value();
  EXPECT_EQ(page.lines[0].value_date, today - 7);
  EXPECT_EQ(page.lines[0].memo, "collected at last meeting");
  EXPECT_EQ(page.lines[1].value_date, today);
}

TEST_F(Statements, ValueDatesAreNeverInTheFutureNorBeyondTheWindow) {
  Date today = date_of(clock_.now());
  auto command = make_transfer(next_key(), cash_, savings_, 1);
  command.value_date = today + 1;
  EXPECT_REFUSED(submit(command), Errc::invalid_argument);
  command.idempotency_key = next_key();
  command.value_date = today - value_date_past_days_default;
  EXPECT_TRUE(submit(command));
  command.idempotency_key = next_key();
  command.value_date = today - value_date_past_days_default - 1;
  EXPECT_REFUSED(submit(command), Errc::invalid_argument);
}

TEST_F(Statements, TimestampsNeverGoBackEvenWhenTheClockDoes) {
  auto first = transfer(cash_, savings_, 1);
  clock_.advance_micros(-3600 * micros_per_second);
  auto second = transfer(cash_, savings_, 1);
  auto a = reader_->entry(first.value().seq).value();
  auto b = reader_->entry(second.value().seq).value();
  EXPECT_GE(b.ts, a.ts);
  EXPECT_EQ(b.ts, a.ts);
}

}  // namespace
}  // namespace pardner::ledger::testing
