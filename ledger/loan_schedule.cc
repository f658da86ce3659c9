// Schedules at disbursement. Amounts are worked in 128-bit integers and narrowed back to Minor
// with an assertion: with principal < 2^53, rates < 2^17 bps and at most 520 instalments no
// product here passes 2^80, so the 128-bit arithmetic cannot overflow (static_asserts below).
#include "ledger/loan_schedule.h"

#include <algorithm>
#include <chrono>
#include <string>

#include "ledger/limits.h"
#include "ledger/loan_annuity.h"

namespace pardner::ledger {
namespace {

// As in money.cc: __extension__ marks the one non-standard type we rely on.
__extension__ typedef __int128 Wide;

static_assert(loan_rate_bps_max < (1 << 17));
static_assert(loan_instalments_max < (1 << 10));
static_assert(json_amount_max < (Minor{1} << 53));

// floor(numerator / denominator + 1/2) for numerator >= 0, denominator > 0.
Wide round_half_up(Wide numerator, Wide denominator) {
  PARDNER_ASSERT(numerator >= 0);
  PARDNER_ASSERT(denominator > 0);
  return (2 * numerator + denominator) / (2 * denominator);
}

Minor narrow(Wide value) {
  PARDNER_ASSERT(value >= 0);
  PARDNER_ASSERT(value <= INT64_MAX);
  return static_cast<Minor>(value);
}

// 10,000 * periods a year: the periodic rate is annual_rate_bps / this.
Wide rate_denominator(const LoanTerms& terms) {
  return Wide{10'000} * periods_per_year(terms.frequency);
}

Date add_months_clamped(Date start, std::int64_t months) {
  using namespace std::chrono;
  year_month_day start_day{sys_days{days{start}}};
  year_month target = year_month{start_day.year(), start_day.month()} +
                      std::chrono::months{static_cast<int>(months)};
  day last = year_month_day_last{target.year(), month_day_last{target.month()}}.day();
  year_month_day due{target.year(), target.month(), std::min(start_day.day(), last)};
  return sys_days{due}.time_since_epoch().count();
}

}  // namespace

Date instalment_due_date(LoanFrequency frequency, Date disbursed_on, std::int64_t number) {
  PARDNER_ASSERT(number >= 1);
  switch (frequency) {
    case LoanFrequency::weekly:
      return disbursed_on + 7 * number;
    case LoanFrequency::fortnightly:
      return disbursed_on + 14 * number;
    case LoanFrequency::monthly:
      return add_months_clamped(disbursed_on, number);
  }
  PARDNER_ASSERT(false);
  return disbursed_on;
}

Minor upfront_fee(const LoanTerms& terms, Minor principal_minor) {
  switch (terms.upfront_fee_kind) {
    case UpfrontFeeKind::none:
      return 0;
    case UpfrontFeeKind::fixed:
      return terms.upfront_fee_value;
    case UpfrontFeeKind::basis_points:
      return narrow(round_half_up(Wide{principal_minor} * terms.upfront_fee_value, 10'000));
  }
  PARDNER_ASSERT(false);
  return 0;
}

Minor flat_interest(const LoanTerms& terms, Minor principal_minor) {
  if (terms.interest_method != InterestMethod::flat) return 0;
  Wide numerator = Wide{principal_minor} * terms.annual_rate_bps * terms.instalment_count;
  return narrow(round_half_up(numerator, rate_denominator(terms)));
}

Minor scale_flat_interest(Minor interest_minor, Minor old_balance_minor, Minor new_balance_minor) {
  PARDNER_ASSERT(old_balance_minor > 0);
  PARDNER_ASSERT(new_balance_minor >= 0);
  PARDNER_ASSERT(new_balance_minor <= old_balance_minor);
  return narrow(round_half_up(Wide{interest_minor} * new_balance_minor, old_balance_minor));
}

std::vector<Minor> spread_evenly(Minor total_minor, std::int64_t count) {
  PARDNER_ASSERT(total_minor >= 0);
  PARDNER_ASSERT(count >= 1);
  Minor share = narrow(round_half_up(total_minor, count));
  std::vector<Minor> parts(static_cast<std::size_t>(count), 0);
  Minor left = total_minor;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    parts[i] = std::min(share, left);
    left -= parts[i];
  }
  parts.back() = left;
  return parts;
}

std::vector<InstalmentSplit> lay_out_instalments(const LoanTerms& terms, Minor balance_minor,
                                                 Minor flat_interest_minor,
                                                 std::int64_t grace_count, std::int64_t count) {
  PARDNER_ASSERT(balance_minor >= 0);
  PARDNER_ASSERT(balance_minor <= json_amount_max);
  PARDNER_ASSERT(grace_count >= 0);
  PARDNER_ASSERT(grace_count < count);
  auto grace = static_cast<std::size_t>(grace_count);
  std::vector<InstalmentSplit> splits(static_cast<std::size_t>(count));

  // A declining balance at 0% is laid out exactly as a zero-interest loan.
  if (terms.interest_method != InterestMethod::declining_balance || terms.annual_rate_bps == 0) {
    std::vector<Minor> principal = spread_evenly(balance_minor, count - grace_count);
    for (std::size_t i = grace; i < splits.size(); ++i) {
      splits[i].principal_minor = principal[i - grace];
    }
    if (terms.interest_method == InterestMethod::flat) {
      std::vector<Minor> interest = spread_evenly(flat_interest_minor, count);
      for (std::size_t i = 0; i < splits.size(); ++i) splits[i].interest_minor = interest[i];
    }
    return splits;
  }

  // The payment is rounded up and each interest down. Then, by induction, the balance after each
  // instalment is at most the exact annuity's (B[k+1] = B[k] - payment + floor(B[k] * r) <=
  // B[k] * (1 + r) - A*), so every principal is at least the exact one and positive: the loan
  // never stalls on interest-only instalments nor leaves a balloon, and the last instalment,
  // B + floor(B * r) <= A*, is never more than the others. Rounding to nearest has no such bound:
  // where the exact principal is under half a minor unit (long terms, high rates, small loans)
  // it rounds to zero for ever and the whole balance falls on the last instalment.
  Minor payment = annuity_payment(balance_minor, terms.annual_rate_bps,
                                  periods_per_year(terms.frequency), count - grace_count);
  Wide denominator = rate_denominator(terms);
  Minor balance = balance_minor;
  for (std::size_t i = 0; i < splits.size(); ++i) {
    Minor interest = narrow(Wide{balance} * terms.annual_rate_bps / denominator);
    Minor principal = 0;
    if (i + 1 == splits.size()) {
      principal = balance;
    } else if (i >= grace) {
      PARDNER_ASSERT(payment >= interest);
      // Rounding up can repay the balance an instalment or more early; the rest are then empty.
      principal = std::min(payment - interest, balance);
    }
    splits[i] = InstalmentSplit{.principal_minor = principal, .interest_minor = interest};
    balance -= principal;
  }
  PARDNER_ASSERT(balance == 0);
  return splits;
}

Result<LoanSchedule> make_loan_schedule(const LoanTerms& terms, Minor principal_minor,
                                        Date disbursed_on) {
  if (auto valid = validate_loan_terms(terms); !valid) return valid.error();
  if (auto valid = validate_loan_principal(principal_minor); !valid) return valid.error();
  if (disbursed_on < loan_date_min || disbursed_on > loan_date_max) {
    return Error{Errc::invalid_argument, "disbursement date must be 1970-01-01..9999-12-31"};
  }
  Minor fee = upfront_fee(terms, principal_minor);
  if (fee > principal_minor) {
    return Error{Errc::invalid_argument, "upfront fee " + std::to_string(fee) +
                                             " exceeds the principal " +
                                             std::to_string(principal_minor)};
  }
  Date last_due = instalment_due_date(terms.frequency, disbursed_on, terms.instalment_count);
  if (last_due > loan_date_max) {
    return Error{Errc::invalid_argument, "the last instalment would fall due after 9999-12-31"};
  }

  std::vector<InstalmentSplit> splits =
      lay_out_instalments(terms, principal_minor, flat_interest(terms, principal_minor),
                          terms.grace_instalments, terms.instalment_count);
  bool fee_with_instalments = terms.fee_collection == FeeCollection::with_instalments;
  std::vector<Minor> fees = spread_evenly(fee_with_instalments ? fee : 0,
                                          terms.instalment_count - terms.grace_instalments);

  LoanSchedule schedule{.principal_minor = principal_minor,
                        .disbursement_date = disbursed_on,
                        .upfront_fee_minor = fee,
                        .fee_at_disbursement_minor = fee_with_instalments ? 0 : fee};
  auto grace = static_cast<std::size_t>(terms.grace_instalments);
  Wide principal_sum = 0;
  Wide owed_sum = fee;
  for (std::size_t i = 0; i < splits.size(); ++i) {
    auto number = static_cast<std::int64_t>(i) + 1;
    schedule.instalments.push_back(
        ScheduledInstalment{.number = number,
                            .due_date = instalment_due_date(terms.frequency, disbursed_on, number),
                            .principal_minor = splits[i].principal_minor,
                            .interest_minor = splits[i].interest_minor,
                            .fee_minor = i >= grace ? fees[i - grace] : 0});
    principal_sum += splits[i].principal_minor;
    owed_sum += Wide{splits[i].principal_minor} + splits[i].interest_minor;
  }
  PARDNER_ASSERT(principal_sum == principal_minor);
  owed_sum += Wide{terms.late_fee_minor} * terms.instalment_count;
  if (owed_sum > json_amount_max) {
    return Error{Errc::invalid_argument,
                 "principal + interest + fees + a late fee on every instalment would exceed "
                 "2^53 - 1 minor units"};
  }
  return schedule;
}

}  // namespace pardner::ledger
