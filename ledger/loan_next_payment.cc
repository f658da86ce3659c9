// The next payment due on a loan: the first instalment, in due-date order, still owing money.
#include "ledger/loan_next_payment.h"

namespace pardner::ledger {

std::optional<NextPayment> next_payment(const LoanState& state) {
  for (const InstalmentState& instalment : state.instalments) {
    Minor unpaid = unpaid_total(instalment);
    if (unpaid > 0) return NextPayment{instalment.number, instalment.due_date, unpaid};
  }
  return std::nullopt;
}

}  // namespace pardner::ledger
