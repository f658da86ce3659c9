// Approving, rejecting and withdrawing loans: quorum of distinct admins, self-approval, the
// reservation of the fund's cash (two loans racing for the last of it), and its release.
#include "tests/ledger/loan_fund_fixture.h"

namespace pardner::ledger::testing {
namespace {

class LoanApproval : public LoanFundTest {
 protected:
  void SetUp() override {
    LoanFundTest::SetUp();
    create_fund_and_product(fund_command());
  }

  Balance full_balance(AccountId id) {
    auto b = reader_->balance(id);
    EXPECT_TRUE(b);
    return b ? b.value() : Balance{};
  }
};

TEST_F(LoanApproval, QuorumOfDistinctAdminsApprovesAndReservesThePrincipal) {
  LoanId id = apply_for(1'000'00);
  auto first = approve(id, admin_a_);
  ASSERT_TRUE(first) << first.error().detail;
  EXPECT_EQ(loan(id).status, LoanStatus::applied);  // one of two: still waiting
  EXPECT_EQ(cash_available(), 10'000'00);
  expect_books_balance();

  auto second = approve(id, admin_b_);
  ASSERT_TRUE(second) << second.error().detail;
  Loan approved = loan(id);
  EXPECT_EQ(approved.status, LoanStatus::approved);
  EXPECT_EQ(approved.approved_seq, second.value().seq);
  ASSERT_TRUE(approved.reservation_transaction);
  EXPECT_EQ(cash_available(), 9'000'00);
  EXPECT_EQ(full_balance(cash_).credits_pending, 1'000'00);
  EXPECT_EQ(full_balance(receivable_).debits_pending, 1'000'00);
  EXPECT_EQ(balance(cash_), 10'000'00);  // reserved, not moved
  auto reservation = reader_->transaction(*approved.reservation_transaction);
  ASSERT_TRUE(reservation);
  EXPECT_EQ(reservation.value().row.status, TransactionStatus::pending);
  // The money's entry comes first and the approval names it.
  auto entry = reader_->entry(second.value().seq);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry.value().kind, EntryKind::loan_approved);
  EXPECT_EQ(entry.value().fields.at("admin").as_int64(), admin_b_);
  EXPECT_EQ(entry.value().fields.at("reservation").as_int64(), *approved.reservation_transaction);
  EXPECT_EQ(entry.value().fields.at("reservation_seq").as_int64(), second.value().seq - 1);
  auto approvals = load_loan_approvals(reader_->db(), id);
  ASSERT_TRUE(approvals);
  ASSERT_EQ(approvals.value().size(), 2u);
  EXPECT_EQ(approvals.value()[0].seq, first.value().seq);
  EXPECT_EQ(approvals.value()[1].seq, second.value().seq);
  expect_books_balance();
  expect_rebuild_agrees();
}

TEST_F(LoanApproval, RefusalsInGuardOrder) {
  LoanId own = apply_for(100'00);
  ApplyForLoan admins_own = application(100'00);
  admins_own.actor = admin_borrower_;
  admins_own.member = admin_borrower_member_;
  admins_own.payout_account = admin_borrower_savings_;
  auto self_loan = submit(admins_own);
  ASSERT_TRUE(self_loan) << self_loan.error().detail;

  EXPECT_REFUSED(approve(own, borrower_token_), Errc::not_permitted);
  EXPECT_REFUSED(approve(own, 999), Errc::not_permitted);
  EXPECT_REFUSED(approve(999, admin_a_), Errc::not_found);
  EXPECT_REFUSED(approve(self_loan.value().id, admin_borrower_), Errc::self_approval);
  ASSERT_TRUE(approve(own, admin_a_));
  EXPECT_REFUSED(approve(own, admin_a_), Errc::duplicate_approval);
  // A second token of the same admin member is still the same admin.
  auto ids = load_loan_approvals(reader_->db(), own);
  ASSERT_TRUE(ids);
  auto admin_a_member = load_actor(reader_->db(), admin_a_);
  ASSERT_TRUE(admin_a_member);
  ActorToken second_token = token(Role::admin, admin_a_member.value().member);
  EXPECT_REFUSED(approve(own, second_token), Errc::duplicate_approval);
  ASSERT_TRUE(approve(own, admin_b_));
  EXPECT_REFUSED(approve(own, admin_c_), Errc::loan_status);  // already approved
  // The applicant-admin's loan is approved by two others.
  ASSERT_TRUE(approve(self_loan.value().id, admin_a_));
  ASSERT_TRUE(approve(self_loan.value().id, admin_c_));
  EXPECT_EQ(loan(self_loan.value().id).status, LoanStatus::approved);
  expect_books_balance();
  expect_rebuild_agrees();
}

TEST_F(LoanApproval, TwoLoansRacingForTheLastCashOnlyOneIsReserved) {
  ASSERT_TRUE(transfer(capital_, cash_, 4'000'00));  // leaves 6,000.00
  LoanId first = apply_for(4'000'00);
  LoanId second = apply_for(4'000'00);
  ASSERT_TRUE(approve(first, admin_a_));
  ASSERT_TRUE(approve(second, admin_a_));
  // Both completing approvals in one batch: the writer applies them in order.
  auto futures = writer_->submit_all(
      {ApproveLoan{.idempotency_key = next_key(), .actor = admin_b_, .loan = first},
       ApproveLoan{.idempotency_key = next_key(), .actor = admin_b_, .loan = second}});
  ASSERT_EQ(futures.size(), 2u);
  std::vector<Result<Applied>> results;
  for (auto& future : futures) results.push_back(future.get());
  ASSERT_TRUE(results[0]) << results[0].error().detail;
  EXPECT_REFUSED(results[1], Errc::insufficient_funds);
  EXPECT_EQ(loan(first).status, LoanStatus::approved);
  EXPECT_EQ(loan(second).status, LoanStatus::applied);
  EXPECT_EQ(cash_available(), 2'000'00);
  // The refusal left no approval of admin_b_ behind; once cash arrives admin_c_ completes it.
  ASSERT_TRUE(transfer(cash_, capital_, 2'000'00));
  ASSERT_TRUE(approve(second, admin_c_));
  EXPECT_EQ(loan(second).status, LoanStatus::approved);
  expect_books_balance();
  expect_rebuild_agrees();
}

TEST_F(LoanApproval, OneLoanTakesAtMostTheFundsShareOfTheCash) {
  CreateLoanFund command = fund_command();
  command.approval_quorum = 1;
  command.cash_share_max_bps = 2'500;  // a quarter of the available cash
  create_fund_and_product(command);
  LoanId too_big = apply_for(2'500'01);
  LoanId at_share = apply_for(2'500'00);
  EXPECT_REFUSED(approve(too_big, admin_a_), Errc::insufficient_funds);
  ASSERT_TRUE(approve(at_share, admin_a_));
  EXPECT_EQ(loan(at_share).status, LoanStatus::approved);
}

TEST_F(LoanApproval, RejectionVoidsTheReservation) {
  LoanId id = apply_for(1'000'00);
  ASSERT_TRUE(approve(id, admin_a_));
  ASSERT_TRUE(approve(id, admin_b_));
  TransactionId reservation = *loan(id).reservation_transaction;
  RejectLoan reject{.idempotency_key = next_key(), .actor = borrower_token_, .loan = id,
                    .reason = "R-17"};
  EXPECT_REFUSED(submit(reject), Errc::not_permitted);
  reject.idempotency_key = next_key();
  reject.actor = admin_c_;
  reject.reason.assign(loan_text_bytes_max + 1, 'x');
  EXPECT_REFUSED(submit(reject), Errc::invalid_argument);
  reject.idempotency_key = next_key();
  reject.reason = "R-17";
  reject.loan = 999;
  EXPECT_REFUSED(submit(reject), Errc::not_found);
  reject.idempotency_key = next_key();
  reject.loan = id;
  auto rejected = submit(reject);
  ASSERT_TRUE(rejected) << rejected.error().detail;
  EXPECT_EQ(loan(id).status, LoanStatus::rejected);
  EXPECT_EQ(loan(id).resolved_seq, rejected.value().seq);
  auto view = reader_->transaction(reservation);
  ASSERT_TRUE(view);
  EXPECT_EQ(view.value().row.status, TransactionStatus::voided);
  EXPECT_EQ(cash_available(), 10'000'00);
  reject.idempotency_key = next_key();
  EXPECT_REFUSED(submit(reject), Errc::loan_status);
  EXPECT_REFUSED(approve(id, admin_c_), Errc::loan_status);
  expect_books_balance();
  expect_rebuild_agrees();
}

TEST_F(LoanApproval, OnlyTheApplicantWithdrawsBeforeDisbursement) {
  LoanId applied = apply_for(300'00);
  LoanId approved = apply_for(700'00);
  ASSERT_TRUE(approve(approved, admin_a_));
  ASSERT_TRUE(approve(approved, admin_b_));
  WithdrawLoan withdraw{.idempotency_key = next_key(), .actor = borrower_token_, .loan = 999};
  EXPECT_REFUSED(submit(withdraw), Errc::not_found);
  withdraw = {.idempotency_key = next_key(), .actor = admin_a_, .loan = applied};
  EXPECT_REFUSED(submit(withdraw), Errc::not_permitted);
  withdraw = {.idempotency_key = next_key(), .actor = borrower_token_, .loan = applied};
  ASSERT_TRUE(submit(withdraw));
  EXPECT_EQ(loan(applied).status, LoanStatus::withdrawn);
  withdraw = {.idempotency_key = next_key(), .actor = borrower_token_, .loan = applied};
  EXPECT_REFUSED(submit(withdraw), Errc::loan_status);
  withdraw = {.idempotency_key = next_key(), .actor = borrower_token_, .loan = approved};
  ASSERT_TRUE(submit(withdraw));
  EXPECT_EQ(loan(approved).status, LoanStatus::withdrawn);
  EXPECT_EQ(cash_available(), 10'000'00);
  expect_books_balance();
  expect_rebuild_agrees();
}

}  // namespace
}  // namespace pardner::ledger::testing
