// Write-off reads. Recoveries are bounded by the principal written off (checked by the command and
// again by the projection), so their sum fits; the checked sum asserts it.
#include "ledger/loan_writeoff_store.h"

namespace pardner::ledger {

Result<std::vector<LoanApproval>> load_loan_writeoff_approvals(Database& db, LoanId id) {
  Statement& query = db.cached(
      "SELECT seq, admin_token, admin_member FROM loan_writeoff_approvals WHERE loan_id = ?"
      " ORDER BY seq");
  query.bind(1, id);
  std::vector<LoanApproval> approvals;
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) break;
    approvals.push_back({query.column_int(0), query.column_int(1), query.column_optional_int(2)});
  }
  query.reset();
  return approvals;
}

Result<std::optional<LoanWriteOff>> load_loan_writeoff(Database& db, LoanId id) {
  Statement& query = db.cached(
      "SELECT w.seq, w.principal_minor, w.transaction_id,"
      " (SELECT coalesce(sum(r.amount_minor), 0) FROM loan_recoveries r WHERE r.loan_id = "
      "w.loan_id)"
      " FROM loan_writeoffs w WHERE w.loan_id = ?");
  query.bind(1, id);
  auto row = query.step();
  if (!row) return row.error();
  if (!row.value()) {
    query.reset();
    return std::optional<LoanWriteOff>{};
  }
  LoanWriteOff writeoff{.seq = query.column_int(0),
                        .principal_minor = query.column_int(1),
                        .transaction = query.column_optional_int(2),
                        .recovered_minor = query.column_int(3)};
  query.reset();
  PARDNER_ASSERT(writeoff.recovered_minor <= writeoff.principal_minor);
  return std::optional<LoanWriteOff>{writeoff};
}

}  // namespace pardner::ledger
