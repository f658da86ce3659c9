// Loan terms and schedules: bounds at the limit and one past, due dates at month ends and in
// leap years, exact annuity payments, and whole schedules checked against amortisation tables
// worked out independently (a separate Python script: decimal at 50 digits — ROUND_HALF_UP for
// flat shares and fees, ROUND_CEILING for the annuity payment, ROUND_FLOOR for declining-balance
// interest — and datetime/calendar for the dates, following docs/loans.md, not this code).
#include "ledger/loan_schedule.h"

#include "ledger/limits.h"
#include "ledger/loan_annuity.h"
#include "tests/ledger/ledger_fixture.h"
#include "tests/ledger/loan_test_support.h"

namespace pardner::ledger::testing {
namespace {

LoanTerms monthly(std::int64_t count, InterestMethod method, std::int64_t rate_bps) {
  return LoanTerms{.instalment_count = count,
                   .frequency = LoanFrequency::monthly,
                   .interest_method = method,
                   .annual_rate_bps = rate_bps};
}

LoanTerms weekly(std::int64_t count, InterestMethod method, std::int64_t rate_bps) {
  LoanTerms terms = monthly(count, method, rate_bps);
  terms.frequency = LoanFrequency::weekly;
  return terms;
}

TEST(LoanTerms, AcceptsEachBoundAtItsLimit) {
  LoanTerms terms =
      weekly(loan_instalments_max, InterestMethod::declining_balance, loan_rate_bps_max);
  terms.grace_instalments = loan_instalments_max - 1;
  terms.upfront_fee_kind = UpfrontFeeKind::basis_points;
  terms.upfront_fee_value = loan_fee_bps_max;
  terms.late_fee_minor = json_amount_max;
  terms.late_fee_grace_days = loan_late_fee_grace_days_max;
  EXPECT_TRUE(validate_loan_terms(terms));
  terms.upfront_fee_kind = UpfrontFeeKind::fixed;
  terms.upfront_fee_value = json_amount_max;
  EXPECT_TRUE(validate_loan_terms(terms));
  EXPECT_TRUE(validate_loan_terms(monthly(1, InterestMethod::zero, 0)));
  EXPECT_TRUE(validate_loan_principal(1));
  EXPECT_TRUE(validate_loan_principal(json_amount_max));
}

// One past each bound, in the order validate_loan_terms checks them: a terms value broken in
// two fields is refused for the earlier one.
TEST(LoanTerms, RefusesOnePastEachBoundInFieldOrder) {
  struct Case {
    const char* detail;
    LoanTerms terms;
  };
  LoanTerms good = monthly(12, InterestMethod::flat, 1200);
  auto with = [&](auto change) {
    LoanTerms terms = good;
    change(terms);
    return terms;
  };
  std::vector<Case> cases = {
      {"instalment_count must be 1..520, not 0", with([](LoanTerms& t) {
         t.instalment_count = 0;
         t.annual_rate_bps = -1;
       })},
      {"instalment_count must be 1..520, not 521",
       with([](LoanTerms& t) { t.instalment_count = 521; })},
      {"annual_rate_bps must be 0..100000, not 100001", with([](LoanTerms& t) {
         t.annual_rate_bps = 100'001;
         t.grace_instalments = 12;
       })},
      {"annual_rate_bps must be 0..100000, not -1",
       with([](LoanTerms& t) { t.annual_rate_bps = -1; })},
      {"annual_rate_bps must be 0 for a zero-interest loan, not 1", with([](LoanTerms& t) {
         t.interest_method = InterestMethod::zero;
         t.annual_rate_bps = 1;
       })},
      {"upfront_fee_value must be 0 when there is no fee",
       with([](LoanTerms& t) { t.upfront_fee_value = 1; })},
      {"upfront_fee_value must be 0..9007199254740991, not 9007199254740992",
       with([](LoanTerms& t) {
         t.upfront_fee_kind = UpfrontFeeKind::fixed;
         t.upfront_fee_value = json_amount_max + 1;
       })},
      {"upfront_fee_value must be 0..10000, not 10001", with([](LoanTerms& t) {
         t.upfront_fee_kind = UpfrontFeeKind::basis_points;
         t.upfront_fee_value = 10'001;
       })},
      {"grace_instalments must be 0..11, not 12", with([](LoanTerms& t) {
         t.grace_instalments = 12;
         t.late_fee_minor = -1;
       })},
      {"late_fee_minor must be 0..9007199254740991, not -1",
       with([](LoanTerms& t) { t.late_fee_minor = -1; })},
      {"late_fee_grace_days must be 0..366, not 367",
       with([](LoanTerms& t) { t.late_fee_grace_days = 367; })},
  };
  for (const Case& c : cases) {
    auto valid = validate_loan_terms(c.terms);
    ASSERT_FALSE(valid) << c.detail;
    EXPECT_EQ(valid.error().code, Errc::invalid_argument);
    EXPECT_EQ(valid.error().detail, c.detail);
  }
  EXPECT_REFUSED(validate_loan_principal(0), Errc::invalid_argument);
  EXPECT_REFUSED(validate_loan_principal(json_amount_max + 1), Errc::invalid_argument);
}

TEST(LoanSchedule, RefusesInGuardOrder) {
  LoanTerms terms = monthly(12, InterestMethod::zero, 0);
  LoanTerms bad = terms;
  bad.instalment_count = 0;
  auto refused = make_loan_schedule(bad, 0, -1);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().detail, "instalment_count must be 1..520, not 0");
  refused = make_loan_schedule(terms, 0, -1);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().detail, "principal must be 1..9007199254740991, not 0");
  refused = make_loan_schedule(terms, 100, loan_date_min - 1);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().detail, "disbursement date must be 1970-01-01..9999-12-31");
  EXPECT_TRUE(make_loan_schedule(terms, 100, loan_date_min));

  LoanTerms fee = terms;
  fee.upfront_fee_kind = UpfrontFeeKind::fixed;
  fee.upfront_fee_value = 101;
  refused = make_loan_schedule(fee, 100, loan_date_max);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().detail, "upfront fee 101 exceeds the principal 100");
  fee.upfront_fee_value = 100;
  refused = make_loan_schedule(fee, 100, loan_date_max);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().detail, "the last instalment would fall due after 9999-12-31");
  LoanTerms one_week = weekly(1, InterestMethod::zero, 0);
  EXPECT_TRUE(make_loan_schedule(one_week, 100, loan_date_max - 7));
  EXPECT_REFUSED(make_loan_schedule(one_week, 100, loan_date_max - 6), Errc::invalid_argument);

  // Everything the loan can ever ask for must be a JSON amount: the limit, and one past it.
  EXPECT_TRUE(make_loan_schedule(terms, json_amount_max, day("2026-01-01")));
  LoanTerms late = terms;
  late.late_fee_minor = 1;
  refused = make_loan_schedule(late, json_amount_max - 12, day("2026-01-01"));
  EXPECT_TRUE(refused);
  refused = make_loan_schedule(late, json_amount_max - 11, day("2026-01-01"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().detail,
            "principal + interest + fees + a late fee on every instalment would exceed "
            "2^53 - 1 minor units");
  EXPECT_REFUSED(
      make_loan_schedule(monthly(12, InterestMethod::flat, 1), json_amount_max, day("2026-01-01")),
      Errc::invalid_argument);
}

TEST(LoanDueDates, MonthlyKeepsTheDisbursementDayClampedToMonthEnd) {
  Date jan31 = day("2024-01-31");
  std::vector<std::string> expected = {"2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31",
                                       "2024-06-30", "2024-07-31", "2024-08-31", "2024-09-30",
                                       "2024-10-31", "2024-11-30", "2024-12-31", "2025-01-31",
                                       "2025-02-28"};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(format_date(instalment_due_date(LoanFrequency::monthly, jan31,
                                              static_cast<std::int64_t>(i) + 1)),
              expected[i]);
  }
  EXPECT_EQ(format_date(instalment_due_date(LoanFrequency::monthly, day("2023-01-31"), 1)),
            "2023-02-28");
  EXPECT_EQ(format_date(instalment_due_date(LoanFrequency::monthly, day("2024-02-29"), 12)),
            "2025-02-28");
  EXPECT_EQ(format_date(instalment_due_date(LoanFrequency::monthly, day("2024-02-29"), 48)),
            "2028-02-29");
  EXPECT_EQ(format_date(instalment_due_date(LoanFrequency::monthly, day("2099-12-30"), 2)),
            "2100-02-28");  // 2100 is not a leap year
  EXPECT_EQ(format_date(instalment_due_date(LoanFrequency::monthly, day("2000-01-30"), 1)),
            "2000-02-29");  // 2000 is
  EXPECT_EQ(format_date(instalment_due_date(LoanFrequency::monthly, day("2026-11-15"), 520)),
            "2070-03-15");
}

TEST(LoanDueDates, WeeklyAndFortnightlyCountDaysAcrossLeapDaysAndYearEnds) {
  EXPECT_EQ(format_date(instalment_due_date(LoanFrequency::weekly, day("2024-02-22"), 1)),
            "2024-02-29");
  EXPECT_EQ(format_date(instalment_due_date(LoanFrequency::weekly, day("2023-02-22"), 1)),
            "2023-03-01");
  EXPECT_EQ(format_date(instalment_due_date(LoanFrequency::fortnightly, day("2025-12-24"), 1)),
            "2026-01-07");
  EXPECT_EQ(format_date(instalment_due_date(LoanFrequency::weekly, day("2026-01-05"), 520)),
            "2035-12-24");
}

// Payments from Python's fractions.Fraction (exact): ceil(B*r/(1-(1+r)^-n)), or ceil(B/n) at 0%;
// Python's decimal at 80 digits agrees on every row. The first row is the textbook
// PMT(1%, 12, 1000.00) = 88.85 (88.8488 rounded up). The last rows are exact ties and integers.
TEST(AnnuityPayment, IsExactToTheMinorUnitRoundedUp) {
  struct Row {
    Minor balance;
    std::int64_t rate_bps, periods, count;
    Minor payment;
  };
  std::vector<Row> rows = {
      {100000, 1200, 12, 12, 8885},
      {50000, 2000, 52, 26, 2025},
      {300000, 2400, 12, 6, 53558},
      {1, 1, 52, 520, 1},
      {1, 100000, 12, 1, 2},
      {9007199254740991, 100000, 12, 520, 7505999378950826},
      {9007199254740991, 100000, 52, 520, 1732153702834806},
      {9007199254740991, 1, 52, 520, 17330215895641},
      {9007199254740991, 100000, 12, 1, 16513198633691817},
      {9007199254740991, 0, 12, 7, 1286742750677285},
      {7, 100000, 52, 520, 2},
      {123456789, 1999, 26, 260, 1099253},
      {999999, 12345, 12, 360, 102875},
      {2, 50000, 26, 3, 1},
      {1000, 10, 52, 2, 501},
      {9007199254740991, 65432, 26, 333, 2266765621677741},
      {0, 1200, 12, 12, 0},
      {1, 60000, 12, 1, 2},  // 1.5 exactly
      {2, 60000, 12, 1, 3},  // 3 exactly: an integer is not rounded up further
      {1, 59999, 12, 1, 2},  // 1.49999...
      {3, 20000, 12, 1, 4},  // 3.5 exactly
      {6, 20000, 12, 1, 7},  // 7 exactly
      {5, 0, 12, 2, 3},      // 2.5
      {6, 0, 12, 2, 3},      // 3
  };
  for (const Row& row : rows) {
    EXPECT_EQ(annuity_payment(row.balance, row.rate_bps, row.periods, row.count), row.payment)
        << row.balance << " at " << row.rate_bps << " bps / " << row.periods << " x " << row.count;
  }
}

TEST(LoanSchedule, ZeroInterestWeeklyLastInstalmentAbsorbsTheRemainder) {
  // 100.01 over 10 weeks: 100.01 / 10 = 10.001 rounds to 10.00; the last takes 10.01.
  LoanSchedule s = schedule_or_die(weekly(10, InterestMethod::zero, 0), 10001, "2026-03-02");
  expect_instalments(s.instalments, {{1, "2026-03-09", 1000, 0, 0},
                                     {2, "2026-03-16", 1000, 0, 0},
                                     {3, "2026-03-23", 1000, 0, 0},
                                     {4, "2026-03-30", 1000, 0, 0},
                                     {5, "2026-04-06", 1000, 0, 0},
                                     {6, "2026-04-13", 1000, 0, 0},
                                     {7, "2026-04-20", 1000, 0, 0},
                                     {8, "2026-04-27", 1000, 0, 0},
                                     {9, "2026-05-04", 1000, 0, 0},
                                     {10, "2026-05-11", 1001, 0, 0}});
  EXPECT_EQ(principal_sum(s.instalments), 10001);
  EXPECT_EQ(s.upfront_fee_minor, 0);
}

TEST(LoanSchedule, ZeroInterestMonthlyFromTheLastDayOfJanuaryInALeapYear) {
  // By hand: 100.00 / 3 = 33.333 rounds to 33.33 twice; the last takes 33.34.
  LoanSchedule s = schedule_or_die(monthly(3, InterestMethod::zero, 0), 10000, "2024-01-31");
  expect_instalments(s.instalments, {{1, "2024-02-29", 3333, 0, 0},
                                     {2, "2024-03-31", 3333, 0, 0},
                                     {3, "2024-04-30", 3334, 0, 0}});
}

TEST(LoanSchedule, FlatMonthlyWithAFixedFeeAtDisbursement) {
  // By hand: flat interest 1,000.00 * 17.5% * 9/12 = 131.25; 131.25 / 9 = 14.583 -> 14.58 eight
  // times, the last 14.61. Principal 1,000.00 / 9 = 111.111 -> 111.11 eight times, last 111.12.
  LoanTerms terms = monthly(9, InterestMethod::flat, 1750);
  terms.upfront_fee_kind = UpfrontFeeKind::fixed;
  terms.upfront_fee_value = 2500;
  LoanSchedule s = schedule_or_die(terms, 100000, "2026-05-31");
  expect_instalments(s.instalments, {{1, "2026-06-30", 11111, 1458, 0},
                                     {2, "2026-07-31", 11111, 1458, 0},
                                     {3, "2026-08-31", 11111, 1458, 0},
                                     {4, "2026-09-30", 11111, 1458, 0},
                                     {5, "2026-10-31", 11111, 1458, 0},
                                     {6, "2026-11-30", 11111, 1458, 0},
                                     {7, "2026-12-31", 11111, 1458, 0},
                                     {8, "2027-01-31", 11111, 1458, 0},
                                     {9, "2027-02-28", 11112, 1461, 0}});
  EXPECT_EQ(s.upfront_fee_minor, 2500);
  EXPECT_EQ(s.fee_at_disbursement_minor, 2500);
  EXPECT_EQ(flat_interest(terms, 100000), 13125);
}

TEST(LoanSchedule, FlatWeeklyWithTwoInterestOnlyGraceInstalments) {
  // By hand: 1,200.00 * 26% * 12/52 = 72.00 of interest, 6.00 a week for all 12 weeks; the
  // principal is repaid over the 10 weeks after the grace, 120.00 each.
  LoanTerms terms = weekly(12, InterestMethod::flat, 2600);
  terms.grace_instalments = 2;
  LoanSchedule s = schedule_or_die(terms, 120000, "2026-01-05");
  expect_instalments(s.instalments, {{1, "2026-01-12", 0, 600, 0},
                                     {2, "2026-01-19", 0, 600, 0},
                                     {3, "2026-01-26", 12000, 600, 0},
                                     {4, "2026-02-02", 12000, 600, 0},
                                     {5, "2026-02-09", 12000, 600, 0},
                                     {6, "2026-02-16", 12000, 600, 0},
                                     {7, "2026-02-23", 12000, 600, 0},
                                     {8, "2026-03-02", 12000, 600, 0},
                                     {9, "2026-03-09", 12000, 600, 0},
                                     {10, "2026-03-16", 12000, 600, 0},
                                     {11, "2026-03-23", 12000, 600, 0},
                                     {12, "2026-03-30", 12000, 600, 0}});
}

TEST(LoanSchedule, DecliningBalanceMonthlyMatchesTheTextbookTable) {
  // 1,000.00 at 12% a year (1% a month) over 12 months: payment 88.85, the last 88.78. Interest
  // is rounded down, so it differs from half-up textbook tables by a minor unit in some months
  // (month 3: 841.51 * 1% = 8.4151 -> 8.41). Python decimal table.
  LoanSchedule s =
      schedule_or_die(monthly(12, InterestMethod::declining_balance, 1200), 100000, "2026-01-15");
  expect_instalments(s.instalments, {{1, "2026-02-15", 7885, 1000, 0},
                                     {2, "2026-03-15", 7964, 921, 0},
                                     {3, "2026-04-15", 8044, 841, 0},
                                     {4, "2026-05-15", 8124, 761, 0},
                                     {5, "2026-06-15", 8206, 679, 0},
                                     {6, "2026-07-15", 8288, 597, 0},
                                     {7, "2026-08-15", 8371, 514, 0},
                                     {8, "2026-09-15", 8454, 431, 0},
                                     {9, "2026-10-15", 8539, 346, 0},
                                     {10, "2026-11-15", 8624, 261, 0},
                                     {11, "2026-12-15", 8710, 175, 0},
                                     {12, "2027-01-15", 8791, 87, 0}});
  EXPECT_EQ(principal_sum(s.instalments), 100000);
}

TEST(LoanSchedule, DecliningBalanceWeekly) {
  // 500.00 at 20% a year over 26 weeks: payment 20.25, the last 20.00; Python decimal table.
  LoanSchedule s =
      schedule_or_die(weekly(26, InterestMethod::declining_balance, 2000), 50000, "2026-03-02");
  expect_instalments(s.instalments,
                     {{1, "2026-03-09", 1833, 192, 0},  {2, "2026-03-16", 1840, 185, 0},
                      {3, "2026-03-23", 1847, 178, 0},  {4, "2026-03-30", 1854, 171, 0},
                      {5, "2026-04-06", 1862, 163, 0},  {6, "2026-04-13", 1869, 156, 0},
                      {7, "2026-04-20", 1876, 149, 0},  {8, "2026-04-27", 1883, 142, 0},
                      {9, "2026-05-04", 1890, 135, 0},  {10, "2026-05-11", 1898, 127, 0},
                      {11, "2026-05-18", 1905, 120, 0}, {12, "2026-05-25", 1912, 113, 0},
                      {13, "2026-06-01", 1920, 105, 0}, {14, "2026-06-08", 1927, 98, 0},
                      {15, "2026-06-15", 1934, 91, 0},  {16, "2026-06-22", 1942, 83, 0},
                      {17, "2026-06-29", 1949, 76, 0},  {18, "2026-07-06", 1957, 68, 0},
                      {19, "2026-07-13", 1964, 61, 0},  {20, "2026-07-20", 1972, 53, 0},
                      {21, "2026-07-27", 1979, 46, 0},  {22, "2026-08-03", 1987, 38, 0},
                      {23, "2026-08-10", 1995, 30, 0},  {24, "2026-08-17", 2002, 23, 0},
                      {25, "2026-08-24", 2010, 15, 0},  {26, "2026-08-31", 1993, 7, 0}});
  EXPECT_EQ(principal_sum(s.instalments), 50000);
}

TEST(LoanSchedule, DecliningBalanceWithGraceAndAFeeSpreadOverTheRepayingInstalments) {
  // 3,000.00 at 24% (2% a month) over 8 months from 31 Jan 2024, the first 2 interest-only
  // (60.00 each), then payment 535.58 over 6; fee 1.5% = 45.00 in six parts of 7.50 with the
  // repaying instalments. Python decimal table.
  LoanTerms terms = monthly(8, InterestMethod::declining_balance, 2400);
  terms.grace_instalments = 2;
  terms.upfront_fee_kind = UpfrontFeeKind::basis_points;
  terms.upfront_fee_value = 150;
  terms.fee_collection = FeeCollection::with_instalments;
  LoanSchedule s = schedule_or_die(terms, 300000, "2024-01-31");
  expect_instalments(s.instalments, {{1, "2024-02-29", 0, 6000, 0},
                                     {2, "2024-03-31", 0, 6000, 0},
                                     {3, "2024-04-30", 47558, 6000, 750},
                                     {4, "2024-05-31", 48510, 5048, 750},
                                     {5, "2024-06-30", 49480, 4078, 750},
                                     {6, "2024-07-31", 50469, 3089, 750},
                                     {7, "2024-08-31", 51479, 2079, 750},
                                     {8, "2024-09-30", 52504, 1050, 750}});
  EXPECT_EQ(s.upfront_fee_minor, 4500);
  EXPECT_EQ(s.fee_at_disbursement_minor, 0);
}

TEST(LoanSchedule, DecliningBalanceFortnightlyAcrossTheYearEndWithAFixedFee) {
  // 250.00 at 15% over 6 fortnights: payment 42.52; fee 6.00 in six parts of 1.00. Python.
  LoanTerms terms = LoanTerms{.instalment_count = 6,
                              .frequency = LoanFrequency::fortnightly,
                              .interest_method = InterestMethod::declining_balance,
                              .annual_rate_bps = 1500,
                              .upfront_fee_kind = UpfrontFeeKind::fixed,
                              .upfront_fee_value = 600,
                              .fee_collection = FeeCollection::with_instalments};
  LoanSchedule s = schedule_or_die(terms, 25000, "2025-12-24");
  expect_instalments(s.instalments, {{1, "2026-01-07", 4108, 144, 100},
                                     {2, "2026-01-21", 4132, 120, 100},
                                     {3, "2026-02-04", 4156, 96, 100},
                                     {4, "2026-02-18", 4180, 72, 100},
                                     {5, "2026-03-04", 4204, 48, 100},
                                     {6, "2026-03-18", 4220, 24, 100}});
}

TEST(SpreadEvenly, NeverGoesNegativeWhenThereAreMoreInstalmentsThanMinorUnits) {
  // 0.07 over 10: 0.007 rounds to 0.01, so seven instalments take 0.01 and the rest nothing.
  EXPECT_EQ(spread_evenly(7, 10), (std::vector<Minor>{1, 1, 1, 1, 1, 1, 1, 0, 0, 0}));
  EXPECT_EQ(spread_evenly(5, 2), (std::vector<Minor>{3, 2}));  // 2.5 rounds half up
  EXPECT_EQ(spread_evenly(0, 3), (std::vector<Minor>{0, 0, 0}));
  EXPECT_EQ(spread_evenly(json_amount_max, 1), (std::vector<Minor>{json_amount_max}));
}

}  // namespace
}  // namespace pardner::ledger::testing
