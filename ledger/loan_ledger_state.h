// A disbursed loan's LoanState (ledger/loan_state.h) rebuilt from the derived tables: the stored
// schedule, then every repayment (apply_repayment) and late-fee charge (charge_late_fee) in log
// order. Never writes; the same on the writer's connection and a reader's.
#pragma once

#include "ledger/error.h"
#include "ledger/loan_state.h"
#include "ledger/loan_store.h"
#include "ledger/sqlite.h"

namespace pardner::ledger {

// not_found for an unknown loan, loan_status for one not disbursed.
Result<LoanState> load_loan_state(Database& db, LoanId id);

}  // namespace pardner::ledger
