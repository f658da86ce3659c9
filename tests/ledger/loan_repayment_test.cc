// Repayment allocation: the refusals in guard order, late fees before fees before interest before
// principal, oldest instalment first, the running period payable in advance, prepayment
// re-amortising the later instalments (declining balance and flat), and closure at zero.
// Expected figures are worked by hand in the comments, or with the Python decimal reference
// described in loan_schedule_test.cc where an annuity is re-computed.
#include "ledger/loan_repayment.h"

#include "ledger/loan_arrears.h"
#include "tests/ledger/ledger_fixture.h"
#include "tests/ledger/loan_test_support.h"

namespace pardner::ledger::testing {
namespace {

LoanState disburse(const LoanTerms& terms, Minor principal, const char* on) {
  return start_loan(terms, schedule_or_die(terms, principal, on));
}

Repayment repay(const LoanState& state, const char* on, Minor amount) {
  auto repaid = apply_repayment(state, day(on), amount);
  EXPECT_TRUE(repaid) << (repaid ? "" : repaid.error().detail);
  return repaid ? repaid.value() : Repayment{.after = state};
}

void expect_line(const AllocationLine& line, std::int64_t number, Minor late_fee, Minor fee,
                 Minor interest, Minor principal) {
  SCOPED_TRACE("line for instalment " + std::to_string(number));
  EXPECT_EQ(line.number, number);
  EXPECT_EQ(line.late_fee_minor, late_fee);
  EXPECT_EQ(line.fee_minor, fee);
  EXPECT_EQ(line.interest_minor, interest);
  EXPECT_EQ(line.principal_minor, principal);
}

std::vector<ScheduledInstalment> owed(const LoanState& state) {
  std::vector<ScheduledInstalment> rows;
  for (const InstalmentState& i : state.instalments) {
    rows.push_back({i.number, i.due_date, i.principal_minor, i.interest_minor, i.fee_minor});
  }
  return rows;
}

// 100.00 over 4 weeks at no interest: 25.00 due on 9, 16, 23 and 30 March 2026.
LoanState zero_weekly() {
  return disburse(LoanTerms{.instalment_count = 4, .frequency = LoanFrequency::weekly}, 10000,
                  "2026-03-02");
}

TEST(LoanRepayment, RefusesInGuardOrder) {
  LoanState loan = zero_weekly();
  auto refused = apply_repayment(loan, day("2026-03-01"), 0);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().detail, "repayment amount must be 1..9007199254740991, not 0");
  refused = apply_repayment(loan, day("2026-03-01"), json_amount_max + 1);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().detail,
            "repayment amount must be 1..9007199254740991, not 9007199254740992");
  refused = apply_repayment(loan, day("2026-03-01"), 1);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().detail,
            "repayment dated 2026-03-01 is before the disbursement on 2026-03-02");

  LoanState paid = repay(loan, "2026-03-10", 2500).after;
  refused = apply_repayment(paid, day("2026-03-09"), 1);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().detail,
            "repayment dated 2026-03-09 is before the previous repayment on 2026-03-10");

  // On the disbursement day: the running instalment (25.00) and the later principal (75.00).
  EXPECT_EQ(repayable_on(loan, day("2026-03-02")), 10000);
  refused = apply_repayment(loan, day("2026-03-02"), 10001);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::invalid_argument);
  EXPECT_EQ(refused.error().detail, "repayment of 10001 exceeds the 10000 repayable on 2026-03-02");

  Repayment closing = repay(loan, "2026-03-02", 10000);
  EXPECT_TRUE(closing.allocation.closed);
  EXPECT_EQ(closing.allocation.principal_minor, 2500);
  EXPECT_EQ(closing.allocation.prepaid_principal_minor, 7500);
  ASSERT_EQ(closing.allocation.lines.size(), 1u);
  expect_line(closing.allocation.lines[0], 1, 0, 0, 0, 2500);
  EXPECT_TRUE(is_closed(closing.after));
  EXPECT_EQ(closing.after.prepaid_principal_minor, 7500);
  refused = apply_repayment(closing.after, day("2026-03-03"), 0);
  ASSERT_FALSE(refused);  // the amount is checked before the loan's state
  EXPECT_EQ(refused.error().detail, "repayment amount must be 1..9007199254740991, not 0");
  refused = apply_repayment(closing.after, day("2026-03-01"), 1);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().detail, "the loan is closed");
}

TEST(LoanRepayment, PartialPaymentsGoToTheOldestInstalmentFirst) {
  LoanState loan = zero_weekly();
  // 17 March: instalments 1 (9 March) and 2 (16 March) are due.
  Repayment first = repay(loan, "2026-03-17", 3000);
  ASSERT_EQ(first.allocation.lines.size(), 2u);
  expect_line(first.allocation.lines[0], 1, 0, 0, 0, 2500);
  expect_line(first.allocation.lines[1], 2, 0, 0, 0, 500);
  Repayment second = repay(first.after, "2026-03-17", 1);
  ASSERT_EQ(second.allocation.lines.size(), 1u);
  expect_line(second.allocation.lines[0], 2, 0, 0, 0, 1);
  EXPECT_EQ(outstanding(second.after).principal_minor, 10000 - 3001);
  EXPECT_EQ(arrears_on(second.after, day("2026-03-17")).days_past_due, 1);
}

// 1,200.00 over 12 months at 10% flat from 10 Jan 2026: 100.00 principal and 10.00 interest a
// month (1,200.00 * 10% = 120.00 a year); a 5.00 late fee after 5 days of grace.
LoanTerms flat_terms() {
  return LoanTerms{.instalment_count = 12,
                   .frequency = LoanFrequency::monthly,
                   .interest_method = InterestMethod::flat,
                   .annual_rate_bps = 1000,
                   .late_fee_minor = 500,
                   .late_fee_grace_days = 5};
}

TEST(LoanRepayment, LateFeesThenInterestThenPrincipalAcrossTheInstalmentsDue) {
  LoanState loan = disburse(flat_terms(), 120000, "2026-01-10");
  // 20 March: instalment 1 (10 Feb) is 38 days late, 2 (10 Mar) 10 days; both past grace.
  Date on = day("2026-03-20");
  EXPECT_EQ(arrears_on(loan, on).late_fees_due, (std::vector<std::int64_t>{1, 2}));
  loan = charge_late_fee(loan, 1, on).value();
  loan = charge_late_fee(loan, 2, on).value();

  // 35.00: both late fees (10.00), both interests (20.00), then 5.00 of instalment 1's principal.
  Repayment paid = repay(loan, "2026-03-20", 3500);
  EXPECT_EQ(paid.allocation.late_fee_minor, 1000);
  EXPECT_EQ(paid.allocation.interest_minor, 2000);
  EXPECT_EQ(paid.allocation.principal_minor, 500);
  EXPECT_EQ(paid.allocation.prepaid_principal_minor, 0);
  ASSERT_EQ(paid.allocation.lines.size(), 2u);
  expect_line(paid.allocation.lines[0], 1, 500, 0, 1000, 500);
  expect_line(paid.allocation.lines[1], 2, 500, 0, 1000, 0);
  Arrears late = arrears_on(paid.after, on);
  EXPECT_EQ(late.days_past_due, 38);
  EXPECT_EQ(late.bucket, ArrearsBucket::days_31_60);
  EXPECT_EQ(late.overdue_principal_minor, 9500 + 10000);
  EXPECT_EQ(late.overdue_minor, 19500);

  // 305.00 on 25 March: the 195.00 overdue, then the running instalment 3 (due 10 April).
  Repayment caught_up = repay(paid.after, "2026-03-25", 30500);
  ASSERT_EQ(caught_up.allocation.lines.size(), 3u);
  expect_line(caught_up.allocation.lines[0], 1, 0, 0, 0, 9500);
  expect_line(caught_up.allocation.lines[1], 2, 0, 0, 0, 10000);
  expect_line(caught_up.allocation.lines[2], 3, 0, 0, 1000, 10000);
  EXPECT_EQ(arrears_on(caught_up.after, day("2026-03-25")).bucket, ArrearsBucket::current);
  EXPECT_EQ(arrears_on(caught_up.after, day("2026-04-10")).days_past_due, 0);
  EXPECT_EQ(arrears_on(caught_up.after, day("2026-05-11")).days_past_due, 1);
}

TEST(LoanRepayment, FeesWithTheInstalmentsComeBeforeInterest) {
  // The grace-and-fee loan of LoanSchedule: 60.00 interest a month, 7.50 fee from instalment 3.
  LoanTerms terms = LoanTerms{.instalment_count = 8,
                              .frequency = LoanFrequency::monthly,
                              .interest_method = InterestMethod::declining_balance,
                              .annual_rate_bps = 2400,
                              .upfront_fee_kind = UpfrontFeeKind::basis_points,
                              .upfront_fee_value = 150,
                              .fee_collection = FeeCollection::with_instalments,
                              .grace_instalments = 2};
  LoanState loan = disburse(terms, 300000, "2024-01-31");
  // 1 May 2024: instalments 1-3 are due. 70.00: instalment 3's fee, then 60.00 + 2.50 of interest.
  Repayment paid = repay(loan, "2024-05-01", 7000);
  ASSERT_EQ(paid.allocation.lines.size(), 3u);
  expect_line(paid.allocation.lines[0], 1, 0, 0, 6000, 0);
  expect_line(paid.allocation.lines[1], 2, 0, 0, 250, 0);
  expect_line(paid.allocation.lines[2], 3, 0, 750, 0, 0);
}

// 1,000.00 at 12% over 12 months from 15 Jan 2026: 88.85 a month (LoanSchedule's table).
LoanState declining_loan() {
  return disburse(LoanTerms{.instalment_count = 12,
                            .frequency = LoanFrequency::monthly,
                            .interest_method = InterestMethod::declining_balance,
                            .annual_rate_bps = 1200},
                  100000, "2026-01-15");
}

TEST(LoanRepayment, TheRunningInstalmentIsPayableInAdvanceWithoutReschedulingAnything) {
  LoanState loan = declining_loan();
  Repayment early = repay(loan, "2026-02-01", 8885);
  ASSERT_EQ(early.allocation.lines.size(), 1u);
  expect_line(early.allocation.lines[0], 1, 0, 0, 1000, 7885);
  EXPECT_EQ(owed(early.after)[11].principal_minor, 8791);  // the schedule is unchanged
  EXPECT_EQ(arrears_on(early.after, day("2026-02-16")).bucket, ArrearsBucket::current);
  // On 15 Feb instalment 1 is paid, so the running period is instalment 2's.
  Repayment next = repay(early.after, "2026-02-15", 8885);
  ASSERT_EQ(next.allocation.lines.size(), 1u);
  expect_line(next.allocation.lines[0], 2, 0, 0, 921, 7964);
}

TEST(LoanRepayment, PrepaymentReamortisesTheLaterDecliningInstalmentsAndThePayoffCloses) {
  LoanState loan = declining_loan();
  // 15 Feb: instalment 1 due, 2 running; 377.70 = 2 * 88.85 + 200.00 prepaid. The balance after
  // instalment 2 (841.51) drops to 641.51, re-amortised over instalments 3-12: payment 67.74
  // (Python decimal reference, as in loan_schedule_test.cc).
  Repayment paid = repay(loan, "2026-02-15", 37770);
  EXPECT_EQ(paid.allocation.prepaid_principal_minor, 20000);
  ASSERT_EQ(paid.allocation.lines.size(), 2u);
  expect_line(paid.allocation.lines[0], 1, 0, 0, 1000, 7885);
  expect_line(paid.allocation.lines[1], 2, 0, 0, 921, 7964);
  std::vector<ScheduledInstalment> rows = owed(paid.after);
  rows.erase(rows.begin(), rows.begin() + 2);
  expect_instalments(rows, {{3, "2026-04-15", 6133, 641, 0},
                            {4, "2026-05-15", 6194, 580, 0},
                            {5, "2026-06-15", 6256, 518, 0},
                            {6, "2026-07-15", 6319, 455, 0},
                            {7, "2026-08-15", 6382, 392, 0},
                            {8, "2026-09-15", 6446, 328, 0},
                            {9, "2026-10-15", 6510, 264, 0},
                            {10, "2026-11-15", 6575, 199, 0},
                            {11, "2026-12-15", 6641, 133, 0},
                            {12, "2027-01-15", 6695, 66, 0}});
  EXPECT_EQ(principal_sum(owed(paid.after)) + paid.after.prepaid_principal_minor, 100000);

  // 1 May: instalment 3 overdue (67.74), 4 running (67.74), later principal 518.24 = 653.72.
  Date may1 = day("2026-05-01");
  EXPECT_EQ(repayable_on(paid.after, may1), 65372);
  EXPECT_REFUSED(apply_repayment(paid.after, may1, 65373), Errc::invalid_argument);
  Repayment almost = repay(paid.after, "2026-05-01", 65371);
  EXPECT_FALSE(almost.allocation.closed);
  EXPECT_EQ(outstanding(almost.after).principal_minor, 1);
  Repayment payoff = repay(paid.after, "2026-05-01", 65372);
  EXPECT_TRUE(payoff.allocation.closed);
  EXPECT_EQ(payoff.allocation.prepaid_principal_minor, 51824);
  EXPECT_EQ(outstanding(payoff.after).total_minor, 0);
  for (const InstalmentState& later : payoff.after.instalments) {
    if (later.number >= 5) {
      EXPECT_EQ(later.interest_minor, 0) << later.number;
    }
  }
}

TEST(LoanRepayment, FlatPrepaymentScalesTheRemainingInterestWithThePrincipal) {
  LoanState loan = disburse(flat_terms(), 120000, "2026-01-10");
  // On the disbursement day 410.00: instalment 1 (110.00), then 300.00 prepaid. The later
  // principal 1,100.00 -> 800.00, spread over 11: 72.73 ten times, the last 72.70. Their flat
  // interest 110.00 scales by 800/1100 to 80.00, spread: 7.27 ten times, the last 7.30. By hand.
  Repayment paid = repay(loan, "2026-01-10", 41000);
  EXPECT_EQ(paid.allocation.prepaid_principal_minor, 30000);
  std::vector<ScheduledInstalment> rows = owed(paid.after);
  for (std::size_t i = 1; i < 11; ++i) {
    EXPECT_EQ(rows[i].principal_minor, 7273) << i;
    EXPECT_EQ(rows[i].interest_minor, 727) << i;
  }
  EXPECT_EQ(rows[11].principal_minor, 7270);
  EXPECT_EQ(rows[11].interest_minor, 730);
  EXPECT_EQ(outstanding(paid.after).interest_minor, 8000);
  EXPECT_EQ(outstanding(paid.after).principal_minor, 80000);
}

}  // namespace
}  // namespace pardner::ledger::testing
