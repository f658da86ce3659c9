// The approval rules shared by lending and writing off, checked on two paths: by the commands
// before their entries exist, and by the projection when a log is replayed (`pardner verify`), so
// a payout or a write-off without its quorum fails verification. Pure: never reads the database.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string_view>
#include <vector>

#include "ledger/error.h"
#include "ledger/loan_store.h"

namespace pardner::ledger {

// Refuses with approvals_mismatch unless `named` (any order) is exactly the seqs of `approvals`
// (each once, none missing, none other), the approvals come from distinct admins (same_admin),
// none is by the borrower's own member, and there are at least `quorum` of them. `what` names the
// decision in the detail ("disbursement", "write-off"), with the loan's id.
Result<Ok> check_quorum(const std::vector<LoanApproval>& approvals, std::vector<Seq> named,
                        std::int64_t quorum, LoanId loan, MemberId borrower, std::string_view what);

// The array of seqs an entry names (a disbursement's or a write-off's approval_seqs);
// invalid_argument when it is missing or holds anything but integers.
Result<std::vector<Seq>> seq_array_field(const boost::json::object& fields, std::string_view name);

}  // namespace pardner::ledger
