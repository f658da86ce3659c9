// The projection: how one entry changes the derived tables (members, accounts, transactions,
// postings). The writer runs it for each entry it appends and `rebuild` runs it over the whole
// log, so derived state is by construction a function of the log alone.
#pragma once

#include "ledger/entry.h"
#include "ledger/error.h"
#include "ledger/postings_merge.h"
#include "ledger/sqlite.h"

namespace pardner::ledger {

// Applies `entry` to the derived tables of `db` (inside the caller's transaction). Checks what
// the log alone must satisfy: ids exist, postings balance per currency, no balance overflows.
// A refusal here during rebuild means the log itself is bad. New postings go to the recent
// table `into`, the one marked appending (ledger/postings_merge.h).
Result<Ok> project(Database& db, const Entry& entry, RecentPostings into);

}  // namespace pardner::ledger
