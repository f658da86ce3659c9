// Loan reports: one loan's schedule, outstanding and arrears on a date; a fund's portfolio with
// PAR30 and the cash available.
#include "ledger/loan_reports.h"
#include "tests/ledger/loan_fund_fixture.h"

namespace pardner::ledger::testing {
namespace {

class LoanReports : public LoanFundTest {
 protected:
  void SetUp() override {
    LoanFundTest::SetUp();
    create_fund_and_product(fund_command());
  }

  LoanId disbursed_loan(Minor principal) {
    LoanId id = apply_for(principal);
    auto first = approve(id, admin_a_);
    auto second = approve(id, admin_b_);
    EXPECT_TRUE(first && second);
    auto done = submit(DisburseLoan{.idempotency_key = next_key(), .actor = admin_c_, .loan = id,
                                    .approval_seqs = {first.value().seq, second.value().seq}});
    EXPECT_TRUE(done) << (done ? "" : done.error().detail);
    return id;
  }
};

TEST_F(LoanReports, ALoanOnADateShowsScheduleOutstandingAndArrears) {
  LoanId id = disbursed_loan(1'000'00);
  Date today = date_of(clock_.now());
  auto now = loan_report(reader_->db(), id, today);
  ASSERT_TRUE(now) << now.error().detail;
  EXPECT_EQ(now.value().loan.status, LoanStatus::disbursed);
  EXPECT_EQ(now.value().schedule.size(), 12u);
  EXPECT_EQ(now.value().outstanding.principal_minor, 1'000'00);
  EXPECT_EQ(now.value().arrears.bucket, ArrearsBucket::current);
  // Nothing paid: 40 days after the first due date the loan is 31-60 days late.
  Date late = now.value().schedule[0].due_date + 40;
  auto then = loan_report(reader_->db(), id, late);
  ASSERT_TRUE(then);
  EXPECT_EQ(then.value().arrears.days_past_due, 40);
  EXPECT_EQ(then.value().arrears.bucket, ArrearsBucket::days_31_60);
  EXPECT_REFUSED(loan_report(reader_->db(), 999, today), Errc::not_found);
}

TEST_F(LoanReports, PortfolioCountsLoansParAndCash) {
  LoanId late = disbursed_loan(1'000'00);
  LoanId pending = apply_for(3'000'00);
  ASSERT_TRUE(approve(pending, admin_a_));
  ASSERT_TRUE(approve(pending, admin_b_));
  apply_for(200'00);
  Date first_due = loan_report(reader_->db(), late, 0).value().schedule[0].due_date;
  auto today = loan_portfolio(reader_->db(), fund_, date_of(clock_.now()));
  ASSERT_TRUE(today) << today.error().detail;
  EXPECT_EQ(today.value().loans_applied, 1);
  EXPECT_EQ(today.value().loans_approved, 1);
  EXPECT_EQ(today.value().loans_disbursed, 1);
  EXPECT_EQ(today.value().reserved_minor, 3'000'00);
  EXPECT_EQ(today.value().outstanding_principal_minor, 1'000'00);
  EXPECT_EQ(today.value().par30_bps, 0);
  EXPECT_EQ(today.value().cash_available_minor, 7'000'00);
  auto at_30 = loan_portfolio(reader_->db(), fund_, first_due + 30);
  auto at_31 = loan_portfolio(reader_->db(), fund_, first_due + 31);
  ASSERT_TRUE(at_30 && at_31);
  EXPECT_EQ(at_30.value().par30_bps, 0);  // 30 days late is not yet "more than 30"
  EXPECT_EQ(at_31.value().par30_bps, 10'000);
  EXPECT_EQ(at_31.value().at_risk_30_principal_minor, 1'000'00);
  EXPECT_REFUSED(loan_portfolio(reader_->db(), 999, 0), Errc::not_found);
}

TEST_F(LoanReports, AMemberSeesTheNextPaymentDueOnEachLoan) {
  LoanId id = disbursed_loan(1'000'00);
  LoanId waiting = apply_for(200'00);
  Date today = date_of(clock_.now());
  auto reports = member_loan_reports(reader_->db(), borrower_, today);
  ASSERT_TRUE(reports) << reports.error().detail;
  ASSERT_EQ(reports.value().size(), 2u);
  EXPECT_EQ(reports.value()[0].loan.id, id);
  EXPECT_EQ(reports.value()[1].loan.id, waiting);
  EXPECT_FALSE(reports.value()[1].next_payment.has_value());  // nothing is due before payout
  const std::vector<ScheduledInstalment>& schedule = reports.value()[0].schedule;
  ASSERT_TRUE(reports.value()[0].next_payment.has_value());
  // docs/loans.md's table: every instalment of the annuity is 88.85.
  NextPayment next = *reports.value()[0].next_payment;
  EXPECT_EQ(next.number, 1);
  EXPECT_EQ(next.due_date, schedule[0].due_date);
  EXPECT_EQ(next.amount_minor, 88'85);

  auto repay = [&](Minor amount) {
    auto paid = submit(RepayLoan{.idempotency_key = next_key(),
                                 .actor = borrower_token_,
                                 .loan = id,
                                 .source_account = savings_,
                                 .amount_minor = amount});
    ASSERT_TRUE(paid) << paid.error().detail;
  };
  auto next_of = [&]() {
    auto report = loan_report(reader_->db(), id, today);
    EXPECT_TRUE(report && report.value().next_payment.has_value());
    return report && report.value().next_payment ? *report.value().next_payment : NextPayment{};
  };
  repay(50'00);  // part of instalment 1: what is still owed on it
  EXPECT_EQ(next_of().number, 1);
  EXPECT_EQ(next_of().amount_minor, 38'85);
  repay(38'85);  // instalment 1 paid: instalment 2 is next
  EXPECT_EQ(next_of().number, 2);
  EXPECT_EQ(next_of().due_date, schedule[1].due_date);
  EXPECT_EQ(next_of().amount_minor, 88'85);
  // Another member has no loans.
  auto none = member_loan_reports(reader_->db(), admin_borrower_member_, today);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none.value().empty());
}

}  // namespace
}  // namespace pardner::ledger::testing
