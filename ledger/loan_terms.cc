// Validation of loan terms: one bound per check, in field order, so the refusal a client sees
// first is always the same for the same terms.
#include "ledger/loan_terms.h"

#include <string>

#include "ledger/limits.h"

namespace pardner::ledger {
namespace {

Error out_of_range(std::string_view field, std::int64_t low, std::int64_t high,
                   std::int64_t value) {
  return Error{Errc::invalid_argument, std::string(field) + " must be " + std::to_string(low) +
                                           ".." + std::to_string(high) + ", not " +
                                           std::to_string(value)};
}

bool within(std::int64_t value, std::int64_t low, std::int64_t high) {
  return value >= low && value <= high;
}

}  // namespace

Result<Ok> validate_loan_terms(const LoanTerms& terms) {
  if (!within(terms.instalment_count, 1, loan_instalments_max)) {
    return out_of_range("instalment_count", 1, loan_instalments_max, terms.instalment_count);
  }
  if (!within(terms.annual_rate_bps, 0, loan_rate_bps_max)) {
    return out_of_range("annual_rate_bps", 0, loan_rate_bps_max, terms.annual_rate_bps);
  }
  if (terms.interest_method == InterestMethod::zero && terms.annual_rate_bps != 0) {
    return Error{Errc::invalid_argument,
                 "annual_rate_bps must be 0 for a zero-interest loan, not " +
                     std::to_string(terms.annual_rate_bps)};
  }
  switch (terms.upfront_fee_kind) {
    case UpfrontFeeKind::none:
      if (terms.upfront_fee_value != 0) {
        return Error{Errc::invalid_argument, "upfront_fee_value must be 0 when there is no fee"};
      }
      break;
    case UpfrontFeeKind::fixed:
      if (!within(terms.upfront_fee_value, 0, json_amount_max)) {
        return out_of_range("upfront_fee_value", 0, json_amount_max, terms.upfront_fee_value);
      }
      break;
    case UpfrontFeeKind::basis_points:
      if (!within(terms.upfront_fee_value, 0, loan_fee_bps_max)) {
        return out_of_range("upfront_fee_value", 0, loan_fee_bps_max, terms.upfront_fee_value);
      }
      break;
  }
  if (!within(terms.grace_instalments, 0, terms.instalment_count - 1)) {
    return out_of_range("grace_instalments", 0, terms.instalment_count - 1,
                        terms.grace_instalments);
  }
  if (!within(terms.late_fee_minor, 0, json_amount_max)) {
    return out_of_range("late_fee_minor", 0, json_amount_max, terms.late_fee_minor);
  }
  if (!within(terms.late_fee_grace_days, 0, loan_late_fee_grace_days_max)) {
    return out_of_range("late_fee_grace_days", 0, loan_late_fee_grace_days_max,
                        terms.late_fee_grace_days);
  }
  return Ok{};
}

Result<Ok> validate_loan_principal(Minor principal_minor) {
  if (!within(principal_minor, 1, json_amount_max)) {
    return out_of_range("principal", 1, json_amount_max, principal_minor);
  }
  return Ok{};
}

std::int64_t periods_per_year(LoanFrequency frequency) {
  switch (frequency) {
    case LoanFrequency::weekly:
      return 52;
    case LoanFrequency::fortnightly:
      return 26;
    case LoanFrequency::monthly:
      return 12;
  }
  PARDNER_ASSERT(false);
  return 0;
}

std::string_view wire_name(LoanFrequency frequency) {
  switch (frequency) {
    case LoanFrequency::weekly:
      return "weekly";
    case LoanFrequency::fortnightly:
      return "fortnightly";
    case LoanFrequency::monthly:
      return "monthly";
  }
  return "?";
}

std::string_view wire_name(InterestMethod method) {
  switch (method) {
    case InterestMethod::zero:
      return "zero";
    case InterestMethod::flat:
      return "flat";
    case InterestMethod::declining_balance:
      return "declining_balance";
  }
  return "?";
}

std::string_view wire_name(UpfrontFeeKind kind) {
  switch (kind) {
    case UpfrontFeeKind::none:
      return "none";
    case UpfrontFeeKind::fixed:
      return "fixed";
    case UpfrontFeeKind::basis_points:
      return "basis_points";
  }
  return "?";
}

std::string_view wire_name(FeeCollection collection) {
  switch (collection) {
    case FeeCollection::at_disbursement:
      return "at_disbursement";
    case FeeCollection::with_instalments:
      return "with_instalments";
  }
  return "?";
}

}  // namespace pardner::ledger
