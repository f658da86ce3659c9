// Arrears: days past due of the oldest unpaid instalment, the ageing buckets at each boundary,
// month ends and leap years, and late fees charged once per instalment after the grace days.
// Day counts are worked by hand from the calendar (and checked with Python's datetime).
#include "ledger/loan_arrears.h"

#include "ledger/loan_repayment.h"
#include "tests/ledger/ledger_fixture.h"
#include "tests/ledger/loan_test_support.h"

namespace pardner::ledger::testing {
namespace {

LoanState disburse(const LoanTerms& terms, Minor principal, const char* on) {
  return start_loan(terms, schedule_or_die(terms, principal, on));
}

// One instalment of 100.00, due a month after `on`.
LoanState single_instalment(const char* on) {
  return disburse(LoanTerms{.instalment_count = 1, .frequency = LoanFrequency::monthly}, 10000, on);
}

TEST(ArrearsBucket, BoundariesAreInclusiveAtTheUpperEnd) {
  struct Row {
    std::int64_t days;
    ArrearsBucket bucket;
    const char* wire;
  };
  std::vector<Row> rows = {{0, ArrearsBucket::current, "current"},
                           {1, ArrearsBucket::days_1_30, "days_1_30"},
                           {30, ArrearsBucket::days_1_30, "days_1_30"},
                           {31, ArrearsBucket::days_31_60, "days_31_60"},
                           {60, ArrearsBucket::days_31_60, "days_31_60"},
                           {61, ArrearsBucket::days_61_90, "days_61_90"},
                           {90, ArrearsBucket::days_61_90, "days_61_90"},
                           {91, ArrearsBucket::days_over_90, "days_over_90"}};
  LoanState loan = single_instalment("2025-12-01");  // due 1 Jan 2026
  Date due = day("2026-01-01");
  for (const Row& row : rows) {
    SCOPED_TRACE(row.days);
    EXPECT_EQ(arrears_bucket(row.days), row.bucket);
    EXPECT_EQ(wire_name(row.bucket), row.wire);
    Arrears arrears = arrears_on(loan, due + row.days);
    EXPECT_EQ(arrears.days_past_due, row.days);
    EXPECT_EQ(arrears.bucket, row.bucket);
    EXPECT_EQ(arrears.overdue_minor, row.days == 0 ? 0 : 10000);  // due today is not overdue
    EXPECT_EQ(arrears.outstanding_principal_minor, 10000);
  }
  EXPECT_EQ(arrears_on(loan, due - 1).bucket, ArrearsBucket::current);
}

TEST(Arrears, CountsCalendarDaysFromMonthEndDueDatesInLeapAndCommonYears) {
  // Disbursed 31 Jan: due 29 Feb 2024 (leap) or 28 Feb 2023.
  LoanState leap = single_instalment("2024-01-31");
  EXPECT_EQ(arrears_on(leap, day("2024-03-30")).days_past_due, 30);
  EXPECT_EQ(arrears_on(leap, day("2024-03-31")).days_past_due, 31);
  LoanState common = single_instalment("2023-01-31");
  EXPECT_EQ(arrears_on(common, day("2023-03-30")).days_past_due, 30);
  EXPECT_EQ(arrears_on(common, day("2023-03-31")).days_past_due, 31);
  // Due 28 Feb: 1 March is 2 days late in a leap year, 1 day otherwise.
  EXPECT_EQ(arrears_on(single_instalment("2024-01-28"), day("2024-03-01")).days_past_due, 2);
  EXPECT_EQ(arrears_on(single_instalment("2023-01-28"), day("2023-03-01")).days_past_due, 1);
  // Due 31 Jan: 30 April is 90 days late in 2024 (29 + 31 + 30), 89 in 2023.
  Arrears ninety = arrears_on(single_instalment("2023-12-31"), day("2024-04-30"));
  EXPECT_EQ(ninety.days_past_due, 90);
  EXPECT_EQ(ninety.bucket, ArrearsBucket::days_61_90);
  EXPECT_EQ(arrears_on(single_instalment("2023-12-31"), day("2024-05-01")).bucket,
            ArrearsBucket::days_over_90);
  EXPECT_EQ(arrears_on(single_instalment("2022-12-31"), day("2023-04-30")).days_past_due, 89);
}

TEST(Arrears, AgesFromTheOldestInstalmentWithAnythingUnpaid) {
  // 1,200.00 flat at 10% over 12 months from 10 Jan 2026: 110.00 a month (100.00 + 10.00).
  LoanTerms terms{.instalment_count = 12,
                  .frequency = LoanFrequency::monthly,
                  .interest_method = InterestMethod::flat,
                  .annual_rate_bps = 1000};
  LoanState loan = disburse(terms, 120000, "2026-01-10");
  Date on = day("2026-04-20");  // instalments of 10 Feb, 10 Mar and 10 Apr are overdue
  Arrears unpaid = arrears_on(loan, on);
  EXPECT_EQ(unpaid.days_past_due, 69);
  EXPECT_EQ(unpaid.bucket, ArrearsBucket::days_61_90);
  EXPECT_EQ(unpaid.overdue_principal_minor, 30000);
  EXPECT_EQ(unpaid.overdue_interest_minor, 3000);
  EXPECT_EQ(unpaid.overdue_minor, 33000);
  // 129.99 pays the three interests (30.00) and 99.99 of the first principal: one minor unit
  // short, the first instalment still ages the loan.
  LoanState short_paid = apply_repayment(loan, on, 12999).value().after;
  EXPECT_EQ(arrears_on(short_paid, on).days_past_due, 69);
  EXPECT_EQ(arrears_on(short_paid, on).overdue_minor, 33000 - 12999);
  LoanState first_paid = apply_repayment(short_paid, on, 1).value().after;
  Arrears second = arrears_on(first_paid, on);
  EXPECT_EQ(second.days_past_due, 41);  // 10 March to 20 April
  EXPECT_EQ(second.bucket, ArrearsBucket::days_31_60);
  EXPECT_EQ(second.outstanding_principal_minor, 120000 - 10000);
}

LoanTerms with_late_fee(std::int64_t grace_days) {
  return LoanTerms{.instalment_count = 3,
                   .frequency = LoanFrequency::weekly,
                   .late_fee_minor = 250,
                   .late_fee_grace_days = grace_days};
}

TEST(LateFees, FallDueOnceTheGraceDaysHavePassedAndAreChargedOncePerInstalment) {
  // 30.00 over 3 weeks from 2 March 2026: due 9, 16, 23 March; 2.50 late fee after 7 days.
  LoanState loan = disburse(with_late_fee(7), 3000, "2026-03-02");
  EXPECT_TRUE(arrears_on(loan, day("2026-03-16")).late_fees_due.empty());  // 7 days: in grace
  EXPECT_EQ(arrears_on(loan, day("2026-03-17")).late_fees_due, (std::vector<std::int64_t>{1}));
  EXPECT_REFUSED(charge_late_fee(loan, 1, day("2026-03-16")), Errc::invalid_argument);
  LoanState charged = charge_late_fee(loan, 1, day("2026-03-17")).value();
  EXPECT_TRUE(arrears_on(charged, day("2026-03-17")).late_fees_due.empty());
  EXPECT_EQ(arrears_on(charged, day("2026-03-24")).late_fees_due, (std::vector<std::int64_t>{2}));
  Arrears with_fee = arrears_on(charged, day("2026-03-17"));
  EXPECT_EQ(with_fee.overdue_late_fee_minor, 250);
  EXPECT_EQ(with_fee.overdue_minor, 2000 + 250);
  EXPECT_EQ(outstanding(charged).late_fee_minor, 250);

  // A repayment pays the late fee before anything else; a paid instalment owes no late fee.
  Repayment paid = apply_repayment(charged, day("2026-03-17"), 250 + 1000).value();
  EXPECT_EQ(paid.allocation.late_fee_minor, 250);
  EXPECT_EQ(paid.allocation.principal_minor, 1000);
  EXPECT_TRUE(arrears_on(paid.after, day("2026-03-20")).late_fees_due.empty());
  EXPECT_EQ(arrears_on(paid.after, day("2026-03-24")).late_fees_due,
            (std::vector<std::int64_t>{2}));
}

TEST(LateFees, ZeroGraceDaysChargeFromTheFirstDayLate) {
  LoanState loan = disburse(with_late_fee(0), 3000, "2026-03-02");
  EXPECT_TRUE(arrears_on(loan, day("2026-03-09")).late_fees_due.empty());
  EXPECT_EQ(arrears_on(loan, day("2026-03-10")).late_fees_due, (std::vector<std::int64_t>{1}));
}

TEST(LateFees, ChargeRefusesInGuardOrder) {
  LoanState loan = disburse(with_late_fee(7), 3000, "2026-03-02");
  Date late = day("2026-03-31");
  struct Case {
    const LoanState* state;
    std::int64_t number;
    Date on;
    const char* detail;
  };
  LoanState no_fee = disburse(with_late_fee(7), 3000, "2026-03-02");
  no_fee.terms.late_fee_minor = 0;
  LoanState charged = charge_late_fee(loan, 1, late).value();
  LoanState paid = apply_repayment(loan, day("2026-03-09"), 1000).value().after;
  std::vector<Case> cases = {
      {&no_fee, 0, late, "the loan has no instalment 0"},
      {&loan, 4, late, "the loan has no instalment 4"},
      {&no_fee, 1, late, "the loan's product has no late fee"},
      {&charged, 1, day("2026-03-09"), "instalment 1 has already been charged its late fee"},
      {&paid, 1, day("2026-03-09"), "instalment 1 is paid"},
      {&loan, 1, day("2026-03-16"), "instalment 1 is not past its 7 days of grace on 2026-03-16"},
  };
  for (const Case& c : cases) {
    auto refused = charge_late_fee(*c.state, c.number, c.on);
    ASSERT_FALSE(refused) << c.detail;
    EXPECT_EQ(refused.error().code, Errc::invalid_argument);
    EXPECT_EQ(refused.error().detail, c.detail);
  }
}

TEST(Arrears, AClosedLoanIsCurrent) {
  LoanState loan = single_instalment("2026-01-31");
  LoanState closed = apply_repayment(loan, day("2026-06-01"), 10000).value().after;
  ASSERT_TRUE(is_closed(closed));
  Arrears arrears = arrears_on(closed, day("2026-12-31"));
  EXPECT_EQ(arrears.days_past_due, 0);
  EXPECT_EQ(arrears.bucket, ArrearsBucket::current);
  EXPECT_EQ(arrears.overdue_minor, 0);
  EXPECT_EQ(arrears.outstanding_principal_minor, 0);
}

}  // namespace
}  // namespace pardner::ledger::testing
