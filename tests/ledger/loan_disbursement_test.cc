// Disbursing approved loans: the approvals named must be exactly those that made quorum, the
// reservation is posted, the payout and the upfront fee are booked, and the schedule from
// make_loan_schedule is stored with the disbursement's value date.
#include "tests/ledger/loan_fund_fixture.h"

namespace pardner::ledger::testing {
namespace {

class LoanDisbursement : public LoanFundTest {
 protected:
  void SetUp() override {
    LoanFundTest::SetUp();
    create_fund_and_product(fund_command());
  }

  // An approved loan and the seqs of the two approvals that made its quorum.
  std::pair<LoanId, std::vector<Seq>> approved_loan(Minor principal) {
    LoanId id = apply_for(principal);
    auto first = approve(id, admin_a_);
    auto second = approve(id, admin_b_);
    EXPECT_TRUE(first && second);
    if (!first || !second) return {id, {}};
    return {id, {first.value().seq, second.value().seq}};
  }

  Result<Applied> disburse(LoanId id, std::vector<Seq> seqs, ActorToken admin = 0) {
    return submit(DisburseLoan{.idempotency_key = next_key(),
                               .actor = admin == 0 ? admin_c_ : admin,
                               .loan = id,
                               .approval_seqs = std::move(seqs)});
  }
};

TEST_F(LoanDisbursement, PostsTheReservationPaysOutAndStoresTheSchedule) {
  auto [id, seqs] = approved_loan(1'000'00);
  TransactionId reservation = *loan(id).reservation_transaction;
  auto done = disburse(id, {seqs[1], seqs[0]});  // order does not matter
  ASSERT_TRUE(done) << done.error().detail;
  Loan disbursed = loan(id);
  EXPECT_EQ(disbursed.status, LoanStatus::disbursed);
  EXPECT_EQ(disbursed.disbursed_seq, done.value().seq);
  EXPECT_EQ(disbursed.disbursement_date, date_of(fixture_start));
  auto posted = reader_->transaction(reservation);
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted.value().row.status, TransactionStatus::posted);
  EXPECT_EQ(balance(receivable_), 1'000'00);
  EXPECT_EQ(balance(savings_), 1'000'00);
  EXPECT_EQ(balance(cash_), 10'000'00);  // out to the loan, back in as the member's deposit
  EXPECT_EQ(cash_available(), 10'000'00);

  // The stored schedule is make_loan_schedule's for the disbursement date.
  auto expected = make_loan_schedule(monthly_terms(), 1'000'00, date_of(fixture_start));
  ASSERT_TRUE(expected);
  auto stored = load_loan_instalments(reader_->db(), id);
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored.value().size(), 12u);
  Minor principal_sum = 0;
  for (std::size_t i = 0; i < stored.value().size(); ++i) {
    const auto& s = stored.value()[i];
    const auto& e = expected.value().instalments[i];
    EXPECT_EQ(s.number, e.number);
    EXPECT_EQ(s.due_date, e.due_date);
    EXPECT_EQ(s.principal_minor, e.principal_minor);
    EXPECT_EQ(s.interest_minor, e.interest_minor);
    EXPECT_EQ(s.fee_minor, e.fee_minor);
    principal_sum += s.principal_minor;
  }
  EXPECT_EQ(principal_sum, 1'000'00);
  // docs/loans.md's worked example: 1% a month on 1,000.00, first interest 10.00, principal 78.85.
  EXPECT_EQ(stored.value()[0].interest_minor, 10'00);
  EXPECT_EQ(stored.value()[0].principal_minor, 78'85);

  auto entry = reader_->entry(done.value().seq);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry.value().kind, EntryKind::loan_disbursed);
  const auto& named = entry.value().fields.at("approval_seqs").as_array();
  ASSERT_EQ(named.size(), 2u);
  EXPECT_EQ(named[0].as_int64(), seqs[0]);
  EXPECT_EQ(named[1].as_int64(), seqs[1]);
  expect_books_balance();
  expect_rebuild_agrees();
}

TEST_F(LoanDisbursement, TakesTheUpfrontFeeFromThePayout) {
  LoanTerms with_fee = monthly_terms();
  with_fee.upfront_fee_kind = UpfrontFeeKind::basis_points;
  with_fee.upfront_fee_value = 200;  // 2% of 1,000.00 = 20.00
  auto product = submit(CreateLoanProduct{
      .idempotency_key = next_key(), .actor = admin_a_, .fund = fund_, .terms = with_fee});
  ASSERT_TRUE(product);
  product_ = product.value().id;
  auto [id, seqs] = approved_loan(1'000'00);
  ASSERT_TRUE(disburse(id, seqs));
  EXPECT_EQ(balance(receivable_), 1'000'00);
  EXPECT_EQ(balance(savings_), 980'00);
  EXPECT_EQ(balance(fees_), 20'00);
  expect_books_balance();
  expect_rebuild_agrees();
}

TEST_F(LoanDisbursement, RefusalsInGuardOrder) {
  auto [id, seqs] = approved_loan(1'000'00);
  LoanId unapproved = apply_for(100'00);
  auto lone = approve(unapproved, admin_a_);
  ASSERT_TRUE(lone);
  EXPECT_REFUSED(disburse(id, seqs, borrower_token_), Errc::not_permitted);
  EXPECT_REFUSED(disburse(999, seqs), Errc::not_found);
  EXPECT_REFUSED(disburse(unapproved, {lone.value().seq}), Errc::loan_status);
  EXPECT_REFUSED(disburse(id, {seqs[0]}), Errc::approvals_mismatch);              // one missing
  EXPECT_REFUSED(disburse(id, {seqs[0], seqs[1], seqs[1]}), Errc::approvals_mismatch);  // twice
  EXPECT_REFUSED(disburse(id, {seqs[0], lone.value().seq}), Errc::approvals_mismatch);  // other loan's
  EXPECT_REFUSED(disburse(id, {}), Errc::approvals_mismatch);
  DisburseLoan future_dated{.idempotency_key = next_key(), .actor = admin_c_, .loan = id,
                            .approval_seqs = seqs, .value_date = date_of(fixture_start) + 1};
  EXPECT_REFUSED(submit(future_dated), Errc::invalid_argument);
  // Refusals left the reservation pending.
  EXPECT_EQ(loan(id).status, LoanStatus::approved);
  ASSERT_TRUE(disburse(id, seqs));
  EXPECT_REFUSED(disburse(id, seqs), Errc::loan_status);  // once only
  WithdrawLoan withdraw{.idempotency_key = next_key(), .actor = borrower_token_, .loan = id};
  EXPECT_REFUSED(submit(withdraw), Errc::loan_status);
  expect_books_balance();
  expect_rebuild_agrees();
}

TEST_F(LoanDisbursement, AClosedPayoutAccountRefusesAndLeavesNothing) {
  auto [id, seqs] = approved_loan(1'000'00);
  // The payout account emptied and closed after the application: the payout's guard refuses,
  // and the reservation posted just before it in the same command is rolled back with it.
  ASSERT_TRUE(submit(CloseAccount{.idempotency_key = next_key(), .account = savings_}));
  EXPECT_REFUSED(disburse(id, seqs), Errc::account_closed);
  EXPECT_EQ(loan(id).status, LoanStatus::approved);
  auto reservation = reader_->transaction(*loan(id).reservation_transaction);
  ASSERT_TRUE(reservation);
  EXPECT_EQ(reservation.value().row.status, TransactionStatus::pending);
  expect_books_balance();
  expect_rebuild_agrees();
}

}  // namespace
}  // namespace pardner::ledger::testing
