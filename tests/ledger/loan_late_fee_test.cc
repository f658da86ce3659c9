// ChargeLateFees: the writer charges every late fee due on a date, one entry per instalment,
// never twice; a charge moves no money and the next repayment pays it first; the grace days'
// boundary; refusals in guard order; the per-command limit and a second run for the rest.
#include "ledger/loan_ledger_state.h"
#include "ledger/loan_reports.h"
#include "tests/ledger/loan_fund_fixture.h"

namespace pardner::ledger::testing {
namespace {

class LoanLateFees : public LoanFundTest {
 protected:
  void SetUp() override {
    LoanFundTest::SetUp();
    create_fund_and_product(fund_command());
    use_product(late_fee_terms());
  }

  LoanState state(LoanId id) {
    auto s = load_loan_state(reader_->db(), id);
    EXPECT_TRUE(s) << (s ? "" : s.error().detail);
    return s ? s.value() : LoanState{};
  }

  Date first_due(LoanId id) {
    auto schedule = load_loan_instalments(reader_->db(), id);
    EXPECT_TRUE(schedule && !schedule.value().empty());
    return schedule ? schedule.value().front().due_date : 0;
  }

  Result<Applied> charge_today() { return writer_->charge_late_fees_today().get(); }

  ChargeLateFees by_admin() { return ChargeLateFees{.actor = admin_c_}; }
};

TEST_F(LoanLateFees, ChargesEachDueLateFeeOnceAndMovesNoMoney) {
  LoanId first = lend(1'000'00);
  LoanId second = lend(500'00);
  Date due = first_due(first);
  set_today(due + 5);  // five days late: still within the 5 days of grace
  auto none = charge_today();
  ASSERT_TRUE(none) << none.error().detail;
  EXPECT_EQ(none.value().id, 0);
  EXPECT_EQ(none.value().seq, -1);

  set_today(due + 6);
  auto charged = charge_today();
  ASSERT_TRUE(charged) << charged.error().detail;
  EXPECT_EQ(charged.value().id, 2);  // instalment 1 of each loan
  auto entry = reader_->entry(charged.value().seq);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry.value().kind, EntryKind::loan_late_fee_charged);
  EXPECT_EQ(entry.value().fields.at("loan").as_int64(), second);
  EXPECT_EQ(entry.value().fields.at("member").as_int64(), borrower_);
  EXPECT_EQ(entry.value().fields.at("instalment").as_int64(), 1);
  EXPECT_EQ(entry.value().fields.at("late_fee").as_int64(), 5'00);
  EXPECT_EQ(entry.value().fields.at("charged_on").as_string(), format_date(due + 6));
  EXPECT_TRUE(entry.value().fields.at("charged_by").is_null());
  auto other = reader_->entry(charged.value().seq - 1);
  ASSERT_TRUE(other);
  EXPECT_EQ(other.value().fields.at("loan").as_int64(), first);
  EXPECT_EQ(balance(fees_), 0);  // income only when paid

  // A second run, and a run by an admin for the one loan, charge nothing more.
  auto again = charge_today();
  ASSERT_TRUE(again);
  EXPECT_EQ(again.value().id, 0);
  ChargeLateFees one = by_admin();
  one.loan = first;
  auto none_for_one = submit(one);
  ASSERT_TRUE(none_for_one) << none_for_one.error().detail;
  EXPECT_EQ(none_for_one.value().id, 0);

  LoanState s = state(first);
  EXPECT_TRUE(s.instalments[0].late_fee_charged);
  EXPECT_EQ(s.instalments[0].late_fee_minor, 5'00);
  EXPECT_FALSE(s.instalments[1].late_fee_charged);
  auto report = loan_report(reader_->db(), first, today());
  ASSERT_TRUE(report);
  EXPECT_EQ(report.value().arrears.overdue_late_fee_minor, 5'00);
  ASSERT_TRUE(report.value().next_payment.has_value());
  EXPECT_EQ(report.value().next_payment->amount_minor, 88'85 + 5'00);  // the late fee with it

  // The next repayment pays the late fee first, to fee income.
  auto paid = submit(RepayLoan{.idempotency_key = next_key(),
                               .actor = borrower_token_,
                               .loan = first,
                               .source_account = savings_,
                               .amount_minor = 7'00});
  ASSERT_TRUE(paid) << paid.error().detail;
  auto repaid = reader_->entry(paid.value().seq);
  ASSERT_TRUE(repaid);
  EXPECT_EQ(repaid.value().fields.at("late_fee").as_int64(), 5'00);
  EXPECT_EQ(repaid.value().fields.at("interest").as_int64(), 2'00);
  EXPECT_EQ(balance(fees_), 5'00);
  EXPECT_EQ(balance(interest_), 2'00);
  EXPECT_EQ(state(first).instalments[0].late_fee_paid_minor, 5'00);
  expect_books_balance();
  expect_rebuild_agrees();
}

TEST_F(LoanLateFees, ALaterRunChargesTheNextInstalmentAndAPaidOneIsNeverCharged) {
  LoanId id = lend(1'000'00);
  Date due = first_due(id);
  // Instalment 1 paid on time (10.00 interest + 78.85 principal, docs/loans.md's table).
  set_today(due);
  ASSERT_TRUE(submit(RepayLoan{.idempotency_key = next_key(),
                               .actor = borrower_token_,
                               .loan = id,
                               .source_account = savings_,
                               .amount_minor = 88'85}));
  auto schedule = load_loan_instalments(reader_->db(), id);
  ASSERT_TRUE(schedule);
  set_today(schedule.value()[1].due_date + 6);
  auto charged = charge_today();
  ASSERT_TRUE(charged) << charged.error().detail;
  EXPECT_EQ(charged.value().id, 1);
  auto entry = reader_->entry(charged.value().seq);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry.value().fields.at("instalment").as_int64(), 2);
  LoanState s = state(id);
  EXPECT_FALSE(s.instalments[0].late_fee_charged);
  EXPECT_TRUE(s.instalments[1].late_fee_charged);
  expect_rebuild_agrees();
}

TEST_F(LoanLateFees, RefusalsInGuardOrder) {
  LoanId disbursed = lend(1'000'00);
  LoanId applied = apply_for(100'00);
  set_today(first_due(disbursed) + 10);
  struct Row {
    const char* what;
    ChargeLateFees command;
    Errc code;
  };
  Date future = today() + 1;
  std::vector<Row> rows = {
      {"a member", {.actor = borrower_token_, .as_of = future, .loan = 999}, Errc::not_permitted},
      {"an unknown token", {.actor = 12345, .as_of = future}, Errc::not_permitted},
      {"as_of after today",
       {.actor = admin_c_, .as_of = future, .loan = 999},
       Errc::invalid_argument},
      {"as_of before the window",
       {.actor = admin_c_, .as_of = today() - 10'000},
       Errc::invalid_argument},
      {"an unknown loan", {.actor = admin_c_, .loan = 999}, Errc::not_found},
      {"a loan not disbursed", {.actor = admin_c_, .loan = applied}, Errc::loan_status},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.what);
    EXPECT_REFUSED(submit(row.command), row.code);
  }
  EXPECT_EQ(state(disbursed).instalments[0].late_fee_charged, false);
  // A back-dated run inside the window charges as of its date: 4 days late is within grace.
  auto early = submit(ChargeLateFees{.actor = admin_c_, .as_of = first_due(disbursed) + 4});
  ASSERT_TRUE(early);
  EXPECT_EQ(early.value().id, 0);
  auto now = submit(ChargeLateFees{.actor = admin_c_, .loan = disbursed});
  ASSERT_TRUE(now) << now.error().detail;
  EXPECT_EQ(now.value().id, 1);
  auto entry = reader_->entry(now.value().seq);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry.value().fields.at("charged_by").as_int64(), admin_c_);
  expect_rebuild_agrees();
}

TEST_F(LoanLateFees, OneCommandChargesAtMostTheLimitAndTheNextRunTheRest) {
  // Two loans of 520 weekly instalments each, all of them late ten years on: 1,040 late fees.
  LoanTerms weekly = late_fee_terms();
  weekly.instalment_count = loan_instalments_max;
  weekly.frequency = LoanFrequency::weekly;
  weekly.interest_method = InterestMethod::zero;
  weekly.annual_rate_bps = 0;
  use_product(weekly);
  LoanId first = lend(1'040'00);
  LoanId second = lend(1'040'00);
  auto schedule = load_loan_instalments(reader_->db(), first);
  ASSERT_TRUE(schedule);
  set_today(schedule.value().back().due_date + 6);
  auto most = charge_today();
  ASSERT_TRUE(most) << most.error().detail;
  EXPECT_EQ(most.value().id, late_fee_charges_per_command_max);
  auto rest = charge_today();
  ASSERT_TRUE(rest) << rest.error().detail;
  EXPECT_EQ(rest.value().id, 2 * loan_instalments_max - late_fee_charges_per_command_max);
  auto none = charge_today();
  ASSERT_TRUE(none);
  EXPECT_EQ(none.value().id, 0);
  for (LoanId id : {first, second}) {
    for (const InstalmentState& instalment : state(id).instalments) {
      ASSERT_TRUE(instalment.late_fee_charged) << instalment.number;
    }
  }
  expect_books_balance();
  expect_rebuild_agrees();
}

}  // namespace
}  // namespace pardner::ledger::testing
