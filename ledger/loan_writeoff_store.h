// Reads of the write-off tables (schema/0006_loan_writeoff.sql): a loan's write-off approvals,
// its write-off and what has been recovered on it. Never writes: those tables change only through
// the projection (ledger/loan_writeoff_projection.cc).
#pragma once

#include <optional>
#include <vector>

#include "ledger/error.h"
#include "ledger/loan_store.h"
#include "ledger/sqlite.h"

namespace pardner::ledger {

// A loan's write-off approvals in log order (LoanApproval's fields, as for lending).
Result<std::vector<LoanApproval>> load_loan_writeoff_approvals(Database& db, LoanId id);

struct LoanWriteOff {
  Seq seq = 0;                               // the loan_written_off entry
  Minor principal_minor = 0;                 // written off to loan-loss expense
  std::optional<TransactionId> transaction;  // none when no principal was left to write off
  Minor recovered_minor = 0;                 // the sum of the loan's recoveries so far
};

// The loan's write-off, or nullopt when it has none.
Result<std::optional<LoanWriteOff>> load_loan_writeoff(Database& db, LoanId id);

}  // namespace pardner::ledger
