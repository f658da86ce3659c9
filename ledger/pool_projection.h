// The projection of pool entries onto the pool tables (schema/0007_pools.sql), one function per
// kind, called by ledger/projection.cc for the writer and for replay alike. It decides no rules,
// but it recomputes what the log determines: a distribution's split from its recorded policy
// version and amount, and the postings of the transactions the entries name. A log whose
// recorded payout differs from the recomputed one fails replay (and `pardner verify`).
#pragma once

#include "ledger/entry.h"
#include "ledger/error.h"
#include "ledger/sqlite.h"

namespace pardner::ledger {

Result<Ok> apply_pool_created(Database& db, const Entry& entry);
Result<Ok> apply_pool_contributed(Database& db, const Entry& entry);
Result<Ok> apply_pool_policy_set(Database& db, const Entry& entry);
Result<Ok> apply_pool_distributed(Database& db, const Entry& entry);

}  // namespace pardner::ledger
