// The projection of loan entries onto the loan tables (schema/0005_loans.sql), one function per
// kind, called by ledger/projection.cc for the writer and for replay alike. Like the rest of the
// projection it applies what the log says and decides no rules: quorum, self-approval and cash
// were the commands' guards before the entry existed.
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

}  // namespace pardner::ledger
