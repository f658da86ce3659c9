// Ageing of a loan's unpaid instalments. Overdue amounts are bounded by the loan's total, which
// the schedule kept within json_amount_max, so the checked sums assert instead of refusing.
#include "ledger/loan_arrears.h"

#include <string>

namespace pardner::ledger {
namespace {

bool owes_late_fee(const LoanTerms& terms, const InstalmentState& instalment, Date on) {
  return terms.late_fee_minor > 0 && !instalment.late_fee_charged &&
         unpaid_scheduled(instalment) > 0 && on - instalment.due_date > terms.late_fee_grace_days;
}

}  // namespace

ArrearsBucket arrears_bucket(std::int64_t days_past_due) {
  if (days_past_due <= 0) return ArrearsBucket::current;
  if (days_past_due <= 30) return ArrearsBucket::days_1_30;
  if (days_past_due <= 60) return ArrearsBucket::days_31_60;
  if (days_past_due <= 90) return ArrearsBucket::days_61_90;
  return ArrearsBucket::days_over_90;
}

std::string_view wire_name(ArrearsBucket bucket) {
  switch (bucket) {
    case ArrearsBucket::current:
      return "current";
    case ArrearsBucket::days_1_30:
      return "days_1_30";
    case ArrearsBucket::days_31_60:
      return "days_31_60";
    case ArrearsBucket::days_61_90:
      return "days_61_90";
    case ArrearsBucket::days_over_90:
      return "days_over_90";
  }
  return "?";
}

Arrears arrears_on(const LoanState& state, Date on) {
  Arrears arrears;
  arrears.outstanding_principal_minor = outstanding(state).principal_minor;
  for (const InstalmentState& instalment : state.instalments) {
    if (instalment.due_date >= on) break;  // due dates increase: the rest are not overdue
    if (arrears.days_past_due == 0 && unpaid_scheduled(instalment) > 0) {
      arrears.days_past_due = on - instalment.due_date;
    }
    arrears.overdue_principal_minor =
        add_in_range(arrears.overdue_principal_minor,
                     instalment.principal_minor - instalment.principal_paid_minor);
    arrears.overdue_interest_minor = add_in_range(
        arrears.overdue_interest_minor, instalment.interest_minor - instalment.interest_paid_minor);
    arrears.overdue_fee_minor =
        add_in_range(arrears.overdue_fee_minor, instalment.fee_minor - instalment.fee_paid_minor);
    arrears.overdue_late_fee_minor = add_in_range(
        arrears.overdue_late_fee_minor, instalment.late_fee_minor - instalment.late_fee_paid_minor);
    if (owes_late_fee(state.terms, instalment, on)) {
      arrears.late_fees_due.push_back(instalment.number);
    }
  }
  arrears.overdue_minor =
      add_in_range(add_in_range(arrears.overdue_principal_minor, arrears.overdue_interest_minor),
                   add_in_range(arrears.overdue_fee_minor, arrears.overdue_late_fee_minor));
  arrears.bucket = arrears_bucket(arrears.days_past_due);
  return arrears;
}

Result<LoanState> charge_late_fee(const LoanState& state, std::int64_t number, Date on) {
  if (number < 1 || number > static_cast<std::int64_t>(state.instalments.size())) {
    return Error{Errc::invalid_argument, "the loan has no instalment " + std::to_string(number)};
  }
  if (state.terms.late_fee_minor == 0) {
    return Error{Errc::invalid_argument, "the loan's product has no late fee"};
  }
  const InstalmentState& instalment = state.instalments[static_cast<std::size_t>(number - 1)];
  std::string which = "instalment " + std::to_string(number);
  if (instalment.late_fee_charged) {
    return Error{Errc::invalid_argument, which + " has already been charged its late fee"};
  }
  if (unpaid_scheduled(instalment) == 0) {
    return Error{Errc::invalid_argument, which + " is paid"};
  }
  if (on - instalment.due_date <= state.terms.late_fee_grace_days) {
    return Error{Errc::invalid_argument, which + " is not past its " +
                                             std::to_string(state.terms.late_fee_grace_days) +
                                             " days of grace on " + format_date(on)};
  }
  PARDNER_ASSERT(owes_late_fee(state.terms, instalment, on));
  LoanState after = state;
  InstalmentState& charged = after.instalments[static_cast<std::size_t>(number - 1)];
  charged.late_fee_minor = state.terms.late_fee_minor;
  charged.late_fee_charged = true;
  return after;
}

}  // namespace pardner::ledger
