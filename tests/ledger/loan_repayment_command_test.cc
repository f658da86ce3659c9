// RepayLoan: the allocation booked matches apply_repayment, in one balanced transaction (fees to
// fee income, interest to interest income, principal to loans receivable); a prepayment to the
// end closes the loan, which then refuses repayments; refusals in guard order.
#include "ledger/loan_ledger_state.h"
#include "ledger/loan_repayment.h"
#include "tests/ledger/loan_fund_fixture.h"

namespace pardner::ledger::testing {
namespace {

class LoanRepaymentCommand : public LoanFundTest {
 protected:
  void SetUp() override {
    LoanFundTest::SetUp();
    create_fund_and_product(fund_command());
    loan_ = apply_for(1'000'00);
    auto first = approve(loan_, admin_a_);
    auto second = approve(loan_, admin_b_);
    ASSERT_TRUE(first && second);
    auto disbursed = submit(DisburseLoan{.idempotency_key = next_key(), .actor = admin_c_,
                                         .loan = loan_,
                                         .approval_seqs = {first.value().seq,
                                                           second.value().seq}});
    ASSERT_TRUE(disbursed) << disbursed.error().detail;
    ASSERT_TRUE(transfer(cash_, savings_, 500'00));  // the borrower saves a little more
  }

  RepayLoan repayment(Minor amount) {
    return RepayLoan{.idempotency_key = next_key(), .actor = borrower_token_, .loan = loan_,
                     .source_account = savings_, .amount_minor = amount};
  }

  LoanState state() {
    auto s = load_loan_state(reader_->db(), loan_);
    EXPECT_TRUE(s) << (s ? "" : s.error().detail);
    return s ? s.value() : LoanState{};
  }

  LoanId loan_ = 0;
};

TEST_F(LoanRepaymentCommand, BooksTheAllocationOfTheMath) {
  // One month on: instalment 1 (10.00 interest, 78.85 principal) is due; pay 100.00.
  clock_.advance_micros(31LL * 24 * 3600 * micros_per_second);
  Date today = date_of(clock_.now());
  auto expected = apply_repayment(state(), today, 100'00);
  ASSERT_TRUE(expected);
  auto paid = submit(repayment(100'00));
  ASSERT_TRUE(paid) << paid.error().detail;
  const RepaymentAllocation& a = expected.value().allocation;
  EXPECT_EQ(a.interest_minor, 10'00 + 9'21);  // instalment 1 due, then the running one
  EXPECT_EQ(balance(interest_), a.interest_minor);
  EXPECT_EQ(balance(receivable_), 1'000'00 - a.principal_minor - a.prepaid_principal_minor);
  EXPECT_EQ(balance(savings_), 1'500'00 - 100'00);
  auto entry = reader_->entry(paid.value().seq);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry.value().kind, EntryKind::loan_repaid);
  EXPECT_EQ(entry.value().fields.at("interest").as_int64(), a.interest_minor);
  EXPECT_EQ(entry.value().fields.at("principal").as_int64(), a.principal_minor);
  EXPECT_FALSE(entry.value().fields.at("closed").as_bool());
  // The state rebuilt from the tables is the math's state after the payment.
  LoanState after = state();
  ASSERT_EQ(after.instalments.size(), expected.value().after.instalments.size());
  EXPECT_EQ(after.instalments[0].principal_paid_minor,
            expected.value().after.instalments[0].principal_paid_minor);
  EXPECT_EQ(loan(loan_).status, LoanStatus::disbursed);
  expect_books_balance();
  expect_rebuild_agrees();
}

TEST_F(LoanRepaymentCommand, PayingEverythingClosesTheLoanAndAClosedLoanRefuses) {
  Minor all = repayable_on(state(), date_of(clock_.now()));
  EXPECT_REFUSED(submit(repayment(all + 1)), Errc::invalid_argument);
  auto paid = submit(repayment(all));
  ASSERT_TRUE(paid) << paid.error().detail;
  EXPECT_EQ(loan(loan_).status, LoanStatus::repaid);
  EXPECT_EQ(loan(loan_).resolved_seq, paid.value().seq);
  EXPECT_EQ(balance(receivable_), 0);
  EXPECT_REFUSED(submit(repayment(1)), Errc::loan_closed);
  expect_books_balance();
  expect_rebuild_agrees();
}

TEST_F(LoanRepaymentCommand, RefusalsInGuardOrder) {
  AccountId other = open_for(member(), "liabilities:members:other:savings");
  RepayLoan command = repayment(0);
  EXPECT_REFUSED(submit(command), Errc::invalid_argument);
  command = repayment(10'00);
  command.loan = 999;
  EXPECT_REFUSED(submit(command), Errc::not_found);
  command = repayment(10'00);
  command.source_account = 999;
  EXPECT_REFUSED(submit(command), Errc::not_found);
  command = repayment(10'00);
  command.source_account = other;  // the borrower cannot repay from another member's account
  EXPECT_REFUSED(submit(command), Errc::not_permitted);
  LoanId undisbursed = apply_for(100'00);
  command = repayment(10'00);
  command.loan = undisbursed;
  EXPECT_REFUSED(submit(command), Errc::loan_status);
  command = repayment(10'00);
  command.value_date = date_of(clock_.now()) + 1;
  EXPECT_REFUSED(submit(command), Errc::invalid_argument);
  // The source's floor: 1,500.00 saved, floorless liability here, so set a floor of 0 first.
  ASSERT_TRUE(submit(SetAccountFloor{.idempotency_key = next_key(), .account = savings_,
                                     .floor = Minor{0}}));
  ASSERT_TRUE(transfer(savings_, cash_, 1'495'00));  // the member withdraws nearly everything
  EXPECT_REFUSED(submit(repayment(10'00)), Errc::insufficient_funds);
  // An admin may record a repayment from a cash-in clearing account.
  AccountId clearing = open("liabilities:clearing:cash-in", AccountType::liability);
  command = repayment(10'00);
  command.actor = admin_a_;
  command.source_account = clearing;
  EXPECT_TRUE(submit(command));
  expect_books_balance();
  expect_rebuild_agrees();
}

}  // namespace
}  // namespace pardner::ledger::testing
