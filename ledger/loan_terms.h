// A loan product's terms: how many instalments, how often, how interest and fees are charged.
// Plain values and their validation only; the schedule they produce is ledger/loan_schedule.h.
// Never reads the clock or the database: everything here is a function of its inputs.
#pragma once

#include <cstdint>
#include <string_view>

#include "ledger/error.h"
#include "ledger/money.h"

namespace pardner::ledger {

// How often instalments fall due. The enum values are the wire names.
enum class LoanFrequency : std::uint8_t { weekly, fortnightly, monthly };

// zero: no interest (common in lending circles). flat: interest on the original principal for
// the whole term, spread evenly over the instalments. declining_balance: interest each period on
// the principal still owed, with equal instalments (an annuity).
enum class InterestMethod : std::uint8_t { zero, flat, declining_balance };

// none, a fixed amount in minor units, or basis points of the principal.
enum class UpfrontFeeKind : std::uint8_t { none, fixed, basis_points };

// at_disbursement: the fee is taken when the loan is paid out (the schedule's instalments carry
// no fee). with_instalments: the fee is spread over the instalments that repay principal.
enum class FeeCollection : std::uint8_t { at_disbursement, with_instalments };

struct LoanTerms {
  std::int64_t instalment_count = 1;  // the term: 1..loan_instalments_max
  LoanFrequency frequency = LoanFrequency::monthly;
  InterestMethod interest_method = InterestMethod::zero;
  // A nominal annual rate; each period charges annual_rate_bps / (10,000 * periods a year).
  std::int64_t annual_rate_bps = 0;
  UpfrontFeeKind upfront_fee_kind = UpfrontFeeKind::none;
  std::int64_t upfront_fee_value = 0;  // minor units (fixed) or basis points (basis_points)
  FeeCollection fee_collection = FeeCollection::at_disbursement;
  // The first grace_instalments instalments are interest-only: they carry the period's interest
  // (nothing at all on a zero-interest loan) and no principal. 0..instalment_count - 1.
  std::int64_t grace_instalments = 0;
  Minor late_fee_minor = 0;  // charged once per instalment still unpaid after the grace days
  std::int64_t late_fee_grace_days = 0;  // 0..loan_late_fee_grace_days_max
};

// Checks each bound, in field order; the first one broken is refused with invalid_argument and
// a detail naming the field and its bound. Does not check the principal (see
// validate_loan_principal) or whether the whole schedule fits (make_loan_schedule does).
Result<Ok> validate_loan_terms(const LoanTerms& terms);

// 1..json_amount_max, else invalid_argument.
Result<Ok> validate_loan_principal(Minor principal_minor);

// 52, 26 or 12: the nominal year has 52 weeks, 26 fortnights, 12 months.
std::int64_t periods_per_year(LoanFrequency frequency);

// The stable wire names ("fortnightly", "declining_balance", ...). Switches with no default.
std::string_view wire_name(LoanFrequency frequency);
std::string_view wire_name(InterestMethod method);
std::string_view wire_name(UpfrontFeeKind kind);
std::string_view wire_name(FeeCollection collection);

}  // namespace pardner::ledger
