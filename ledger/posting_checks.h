// The guards every money movement passes, in a fixed order: not_found, account_closed,
// unbalanced, overflow, insufficient_funds. Shared by new transactions and reversals.
#pragma once

#include <vector>

#include "ledger/error.h"
#include "ledger/types.h"
#include "ledger/write_txn.h"

namespace pardner::ledger {

// Checks `postings` (already shape-checked: 2..max, non-zero, bounded, distinct accounts)
// against the accounts as they stand. `pending` postings count toward pending totals.
// A floor is checked only for accounts whose balance the posting lowers, so a deposit into an
// account below its floor is always accepted.
Result<Ok> check_postings_against_accounts(WriteTxn& txn, const std::vector<Posting>& postings,
                                           bool pending);

// Shape checks that need no state: count, non-zero, magnitude, distinct accounts.
Result<Ok> check_postings_shape(const std::vector<Posting>& postings);

}  // namespace pardner::ledger
