// New postings are appended to postings_recent in log order and moved, between batches, into
// postings_merged, clustered by account, in one sorted run (schema/0011_postings_recent.sql).
#pragma once

#include <cstdint>

#include "ledger/error.h"
#include "ledger/sqlite.h"
#include "ledger/types.h"

namespace pardner::ledger {

// How many entries the recent postings span before they are merged, by default: the writer's
// (WriterOptions::postings_merge_entries) and the replay's scratch database's.
inline constexpr std::int64_t postings_merge_entries_default = 65'536;

// The seq of the oldest posting in postings_recent, or `next_seq` when it holds none: the
// writer merges once the recent postings span enough entries.
Result<Seq> oldest_recent_posting_seq(Database& db, Seq next_seq);

// Moves every posting in postings_recent into postings_merged, in a transaction of its own:
// the caller holds no transaction and is the only writer. Returns how many postings it moved.
// On failure nothing has moved.
Result<std::int64_t> merge_recent_postings(Database& db);

// The same inside the caller's open transaction (a replay's scratch database runs in one).
Result<std::int64_t> move_recent_postings(Database& db);

}  // namespace pardner::ledger
