// The dividend_declared entry onto the dividend tables (schema/0008_dividends.sql). Replay, the
// writer and `pardner verify` alike recompute the dividend's plan from the entry's recorded
// inputs and the share balances the log gives as of its as_of_seq, and refuse, naming the entry,
// a dividend whose amount, share total or transactions differ.
#pragma once

#include "ledger/entry.h"
#include "ledger/error.h"
#include "ledger/sqlite.h"

namespace pardner::ledger {

Result<Ok> apply_dividend_declared(Database& db, const Entry& entry);

}  // namespace pardner::ledger
