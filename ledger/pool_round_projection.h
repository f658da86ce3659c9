// The projection of funding-round entries onto the round tables (schema/0007_pools.sql), called
// by ledger/projection.cc for the writer and for replay alike. It recomputes what the log
// determines: a vote lies inside its round's window, and a close's tally (from the ballots in
// force), its payout (from the round's rules) and the postings of its transaction. A log whose
// recorded tally or payout differs fails replay (and `pardner verify`).
#pragma once

#include "ledger/entry.h"
#include "ledger/error.h"
#include "ledger/sqlite.h"

namespace pardner::ledger {

Result<Ok> apply_round_opened(Database& db, const Entry& entry);
Result<Ok> apply_round_vote_cast(Database& db, const Entry& entry);
Result<Ok> apply_round_closed(Database& db, const Entry& entry);

}  // namespace pardner::ledger
