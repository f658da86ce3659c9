// The projection of loan entries onto the loan tables (schema/0005_loans.sql), one function per
// kind, called by ledger/projection.cc for the writer and for replay alike. It decides no new
// rules, but it recomputes from the log alone what the commands decided and refuses an entry
// that disagrees (a disbursement or write-off without its quorum, a repayment allocated otherwise
// than apply_repayment does, a late fee that was not due), naming the loan and the seq: so replay
// (`pardner rebuild`, `pardner verify`) checks the loan rules, not only copies them.
#pragma once

#include "ledger/entry.h"
#include "ledger/error.h"
#include "ledger/sqlite.h"

namespace pardner::ledger {

Result<Ok> apply_loan_fund_created(Database& db, const Entry& entry);
Result<Ok> apply_loan_product_created(Database& db, const Entry& entry);
Result<Ok> apply_loan_applied(Database& db, const Entry& entry);
Result<Ok> apply_loan_approved(Database& db, const Entry& entry);
Result<Ok> apply_loan_disbursed(Database& db, const Entry& entry);
Result<Ok> apply_loan_repaid(Database& db, const Entry& entry);
// loan_rejected and loan_withdrawn: the loan ends with `status` before disbursement.
Result<Ok> apply_loan_closed_early(Database& db, const Entry& entry, std::string_view status);
// ledger/loan_writeoff_projection.cc
Result<Ok> apply_loan_late_fee_charged(Database& db, const Entry& entry);
Result<Ok> apply_loan_writeoff_approved(Database& db, const Entry& entry);
Result<Ok> apply_loan_written_off(Database& db, const Entry& entry);
Result<Ok> apply_loan_recovered(Database& db, const Entry& entry);

}  // namespace pardner::ledger
