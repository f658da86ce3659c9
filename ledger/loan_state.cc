// Totals over a loan's instalments. Each owed amount is bounded by the schedule's check that the
// whole loan fits json_amount_max, so the sums here cannot overflow; checked_add asserts it.
#include "ledger/loan_state.h"

namespace pardner::ledger {
namespace {

Minor unpaid(Minor owed, Minor paid) {
  PARDNER_ASSERT(paid >= 0);
  PARDNER_ASSERT(paid <= owed);
  return owed - paid;
}

}  // namespace

LoanState start_loan(const LoanTerms& terms, const LoanSchedule& schedule) {
  LoanState state{.terms = terms,
                  .principal_minor = schedule.principal_minor,
                  .disbursement_date = schedule.disbursement_date,
                  .last_payment_date = schedule.disbursement_date};
  for (const ScheduledInstalment& scheduled : schedule.instalments) {
    state.instalments.push_back(InstalmentState{.number = scheduled.number,
                                                .due_date = scheduled.due_date,
                                                .principal_minor = scheduled.principal_minor,
                                                .interest_minor = scheduled.interest_minor,
                                                .fee_minor = scheduled.fee_minor});
  }
  return state;
}

Minor unpaid_scheduled(const InstalmentState& instalment) {
  return add_in_range(
      add_in_range(unpaid(instalment.principal_minor, instalment.principal_paid_minor),
                   unpaid(instalment.interest_minor, instalment.interest_paid_minor)),
      unpaid(instalment.fee_minor, instalment.fee_paid_minor));
}

Minor unpaid_total(const InstalmentState& instalment) {
  return add_in_range(unpaid_scheduled(instalment),
                      unpaid(instalment.late_fee_minor, instalment.late_fee_paid_minor));
}

LoanOutstanding outstanding(const LoanState& state) {
  LoanOutstanding total;
  for (const InstalmentState& instalment : state.instalments) {
    total.principal_minor = add_in_range(
        total.principal_minor, unpaid(instalment.principal_minor, instalment.principal_paid_minor));
    total.interest_minor = add_in_range(
        total.interest_minor, unpaid(instalment.interest_minor, instalment.interest_paid_minor));
    total.fee_minor =
        add_in_range(total.fee_minor, unpaid(instalment.fee_minor, instalment.fee_paid_minor));
    total.late_fee_minor = add_in_range(
        total.late_fee_minor, unpaid(instalment.late_fee_minor, instalment.late_fee_paid_minor));
  }
  total.total_minor = add_in_range(add_in_range(total.principal_minor, total.interest_minor),
                                   add_in_range(total.fee_minor, total.late_fee_minor));
  return total;
}

bool is_closed(const LoanState& state) { return outstanding(state).total_minor == 0; }

}  // namespace pardner::ledger
