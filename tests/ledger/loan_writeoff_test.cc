// WriteOffLoan and RecordRecovery: a quorum of distinct admins, never the borrower, writes the
// outstanding principal off to loan-loss expense in one balanced transaction; unpaid interest
// lapses; recoveries credit loan-loss expense up to the amount written off; the reports show
// both; refusals in guard order.
#include "ledger/loan_reports.h"
#include "ledger/loan_writeoff_store.h"
#include "tests/ledger/loan_fund_fixture.h"

namespace pardner::ledger::testing {
namespace {

class LoanWriteOff : public LoanFundTest {
 protected:
  void SetUp() override {
    LoanFundTest::SetUp();
    create_fund_and_product(fund_command());
  }

  Result<Applied> write_off(LoanId id, ActorToken admin) {
    return submit(WriteOffLoan{.idempotency_key = next_key(), .actor = admin, .loan = id});
  }

  Result<Applied> recover(LoanId id, Minor amount, ActorToken admin = 0) {
    return submit(RecordRecovery{.idempotency_key = next_key(),
                                 .actor = admin == 0 ? admin_c_ : admin,
                                 .loan = id,
                                 .source_account = savings_,
                                 .amount_minor = amount});
  }

  // A disbursed loan on which the first instalment (10.00 interest, 78.85 principal) was paid:
  // 921.15 of principal is outstanding.
  LoanId loan_with_one_payment() {
    LoanId id = lend(1'000'00);
    auto schedule = load_loan_instalments(reader_->db(), id);
    EXPECT_TRUE(schedule);
    set_today(schedule.value().front().due_date);
    auto paid = submit(RepayLoan{.idempotency_key = next_key(),
                                 .actor = borrower_token_,
                                 .loan = id,
                                 .source_account = savings_,
                                 .amount_minor = 88'85});
    EXPECT_TRUE(paid) << (paid ? "" : paid.error().detail);
    return id;
  }
};

TEST_F(LoanWriteOff, AQuorumOfDistinctAdminsWritesOffTheOutstandingPrincipal) {
  LoanId id = loan_with_one_payment();
  EXPECT_EQ(balance(receivable_), 921'15);
  Minor interest_before = balance(interest_);

  auto first = write_off(id, admin_a_);
  ASSERT_TRUE(first) << first.error().detail;
  EXPECT_EQ(loan(id).status, LoanStatus::disbursed);  // one of two approvals
  auto approval = reader_->entry(first.value().seq);
  ASSERT_TRUE(approval);
  EXPECT_EQ(approval.value().kind, EntryKind::loan_writeoff_approved);
  EXPECT_EQ(approval.value().fields.at("admin").as_int64(), admin_a_);
  EXPECT_FALSE(approval.value().fields.at("admin_member").is_null());
  EXPECT_EQ(balance(losses_), 0);

  auto second = write_off(id, admin_b_);
  ASSERT_TRUE(second) << second.error().detail;
  EXPECT_EQ(loan(id).status, LoanStatus::written_off);
  EXPECT_EQ(loan(id).resolved_seq, second.value().seq);
  auto written = reader_->entry(second.value().seq);
  ASSERT_TRUE(written);
  EXPECT_EQ(written.value().kind, EntryKind::loan_written_off);
  EXPECT_EQ(written.value().fields.at("principal").as_int64(), 921'15);
  const auto& seqs = written.value().fields.at("approval_seqs").as_array();
  ASSERT_EQ(seqs.size(), 2u);
  EXPECT_EQ(seqs[0].as_int64(), first.value().seq);
  EXPECT_EQ(seqs[1].as_int64(), second.value().seq - 2);  // approval, transaction, write-off
  // One balanced transaction: loan-loss expense debited, loans receivable credited.
  EXPECT_EQ(balance(losses_), 921'15);
  EXPECT_EQ(balance(receivable_), 0);
  EXPECT_EQ(balance(interest_), interest_before);  // unpaid interest lapses: never income
  auto tx = reader_->transaction(written.value().fields.at("transaction").as_int64());
  ASSERT_TRUE(tx);
  EXPECT_EQ(tx.value().entry.seq, second.value().seq - 1);

  // A written-off loan takes no repayment, late fee or further approval.
  EXPECT_REFUSED(submit(RepayLoan{.idempotency_key = next_key(),
                                  .actor = borrower_token_,
                                  .loan = id,
                                  .source_account = savings_,
                                  .amount_minor = 1}),
                 Errc::loan_closed);
  EXPECT_REFUSED(submit(ChargeLateFees{.actor = admin_c_, .loan = id}), Errc::loan_status);
  EXPECT_REFUSED(write_off(id, admin_c_), Errc::loan_status);

  auto report = loan_report(reader_->db(), id, today());
  ASSERT_TRUE(report);
  EXPECT_EQ(report.value().written_off_principal_minor, 921'15);
  EXPECT_EQ(report.value().outstanding.total_minor, 0);
  EXPECT_FALSE(report.value().next_payment.has_value());
  auto portfolio = loan_portfolio(reader_->db(), fund_, today());
  ASSERT_TRUE(portfolio);
  EXPECT_EQ(portfolio.value().loans_written_off, 1);
  EXPECT_EQ(portfolio.value().written_off_principal_minor, 921'15);
  EXPECT_EQ(portfolio.value().outstanding_principal_minor, 0);
  EXPECT_EQ(portfolio.value().repaid_principal_minor, 78'85);
  expect_books_balance();
  expect_rebuild_agrees();
}

TEST_F(LoanWriteOff, RefusalsInGuardOrder) {
  LoanId disbursed = lend(1'000'00);
  LoanId applied = apply_for(100'00);
  // A loan to the admin who is also a member, lent by the others.
  auto own = submit(ApplyForLoan{.idempotency_key = next_key(),
                                 .actor = admin_borrower_,
                                 .fund = fund_,
                                 .product = product_,
                                 .member = admin_borrower_member_,
                                 .payout_account = admin_borrower_savings_,
                                 .principal_minor = 200'00,
                                 .purpose = "van repair"});
  ASSERT_TRUE(own) << own.error().detail;
  LoanId own_id = own.value().id;
  auto a = approve(own_id, admin_a_);
  auto b = approve(own_id, admin_b_);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(submit(DisburseLoan{.idempotency_key = next_key(),
                                  .actor = admin_c_,
                                  .loan = own_id,
                                  .approval_seqs = {a.value().seq, b.value().seq}}));
  ASSERT_TRUE(write_off(disbursed, admin_a_));
  // A second token of admin_a_'s member is the same admin.
  auto a_member = load_actor(reader_->db(), admin_a_);
  ASSERT_TRUE(a_member);
  ActorToken a_again = token(Role::admin, a_member.value().member);

  struct Row {
    const char* what;
    ActorToken actor;
    LoanId loan;
    Errc code;
  };
  std::vector<Row> rows = {
      {"a member", borrower_token_, 999, Errc::not_permitted},
      {"an unknown loan", admin_b_, 999, Errc::not_found},
      {"a loan not disbursed", admin_b_, applied, Errc::loan_status},
      {"the borrower's own loan", admin_borrower_, own_id, Errc::self_approval},
      {"the same admin twice", admin_a_, disbursed, Errc::duplicate_approval},
      {"another token of the same admin", a_again, disbursed, Errc::duplicate_approval},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.what);
    EXPECT_REFUSED(write_off(row.loan, row.actor), row.code);
  }
  EXPECT_EQ(loan(disbursed).status, LoanStatus::disbursed);
  auto approvals = load_loan_writeoff_approvals(reader_->db(), disbursed);
  ASSERT_TRUE(approvals);
  EXPECT_EQ(approvals.value().size(), 1u);
  expect_rebuild_agrees();
}

TEST_F(LoanWriteOff, RecoveriesReduceTheLossUpToTheAmountWrittenOff) {
  LoanId id = loan_with_one_payment();
  EXPECT_REFUSED(recover(id, 10'00), Errc::loan_status);  // not written off yet
  ASSERT_TRUE(write_off(id, admin_a_));
  ASSERT_TRUE(write_off(id, admin_c_));
  ASSERT_TRUE(transfer(cash_, savings_, 500'00));  // the member pays in enough to recover it all
  Minor savings_before = balance(savings_);

  struct Row {
    const char* what;
    Minor amount;
    ActorToken actor;
    Errc code;
  };
  std::vector<Row> rows = {
      {"no amount", 0, borrower_token_, Errc::invalid_argument},
      {"a member", 10'00, borrower_token_, Errc::not_permitted},
      {"more than written off", 921'16, admin_c_, Errc::invalid_argument},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.what);
    EXPECT_REFUSED(recover(id, row.amount, row.actor), row.code);
  }
  auto first = recover(id, 300'00);
  ASSERT_TRUE(first) << first.error().detail;
  auto entry = reader_->entry(first.value().seq);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry.value().kind, EntryKind::loan_recovered);
  EXPECT_EQ(entry.value().fields.at("amount").as_int64(), 300'00);
  EXPECT_EQ(balance(losses_), 621'15);
  EXPECT_EQ(balance(savings_), savings_before - 300'00);
  EXPECT_REFUSED(recover(id, 621'16), Errc::invalid_argument);
  auto last = recover(id, 621'15);
  ASSERT_TRUE(last) << last.error().detail;
  EXPECT_EQ(balance(losses_), 0);
  EXPECT_REFUSED(recover(id, 1), Errc::invalid_argument);

  auto portfolio = loan_portfolio(reader_->db(), fund_, today());
  ASSERT_TRUE(portfolio);
  EXPECT_EQ(portfolio.value().written_off_principal_minor, 921'15);
  EXPECT_EQ(portfolio.value().recovered_minor, 921'15);
  auto report = loan_report(reader_->db(), id, today());
  ASSERT_TRUE(report);
  EXPECT_EQ(report.value().recovered_minor, 921'15);
  expect_books_balance();
  expect_rebuild_agrees();
}

}  // namespace
}  // namespace pardner::ledger::testing
