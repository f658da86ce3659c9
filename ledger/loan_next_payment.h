// The next payment a borrower owes on a disbursed loan, for readers (GET
// /v1/members/{id}/loans). A pure function of the loan's state; never writes, never reads the
// clock.
#pragma once

#include <optional>

#include "ledger/loan_state.h"

namespace pardner::ledger {

struct NextPayment {
  std::int64_t instalment = 0;  // 1-based
  Date due_date = 0;
  // Everything unpaid on that instalment: principal, interest, fee and a charged late fee.
  Minor amount_minor = 0;
};

// The oldest instalment with anything unpaid (overdue ones come first, so a borrower in arrears
// sees the date they missed); nullopt when nothing is owed (the loan is closed).
std::optional<NextPayment> next_payment(const LoanState& state);

}  // namespace pardner::ledger
