// New postings are appended, in log order, to whichever of two recent tables is marked
// appending, and moved between batches into postings_merged, clustered by account, in sorted
// steps of a bounded size (schema/0011_postings_recent.sql,
// schema/0013_postings_merged_in_steps.sql).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/error.h"
#include "ledger/sqlite.h"
#include "ledger/types.h"

namespace pardner::ledger {

// How many entries the appending table's postings span before the writer starts merging them,
// by default: the writer's (WriterOptions::postings_merge_entries) and the replay's.
inline constexpr std::int64_t postings_merge_entries_default = 65'536;

// How many postings one step of a merge moves at most, by default: about 25 ms of the writer's
// time on a fresh ledger and about 70 ms with 1,000,000 entries stored (docs/performance.md).
inline constexpr std::int64_t postings_merge_step_default = 8'192;

enum class RecentPostings { a, b };  // postings_recent, postings_recent_b

const char* table_name(RecentPostings table);
RecentPostings other(RecentPostings table);

// Where the two recent tables stand, as postings_merge_progress and the tables hold it.
struct RecentPostingsState {
  RecentPostings appending = RecentPostings::a;
  bool merging = false;  // the other table holds postings a merge has yet to move
};
Result<RecentPostingsState> recent_postings_state(Database& db);

// What is wrong with postings_merge_progress and what it hides, in words; none in a sound
// ledger. One table is marked appending; a table appending or empty stands at the start, any
// other at one of its own postings (where a step stopped); and every posting a merge has moved,
// which no reader sees in its recent table any more, is still identical to its copy in
// postings_merged, so the integrity check finds a change to one the last step will drop as any
// other.
Result<std::vector<std::string>> merge_progress_problems(Database& db);

// The seq of the oldest posting in `table`, or `next_seq` when it holds none: the writer
// starts a merge once the appending table's postings span enough entries.
Result<Seq> oldest_recent_posting_seq(Database& db, RecentPostings table, Seq next_seq);

// One step of a merge, in a transaction of its own (the caller holds none and is the only
// writer): marks the other table appending, if it is not already, then moves at most
// `max_postings` of `from`'s postings into postings_merged, in that table's order, after those
// moved before. The step that moves the last of them empties `from` and puts its progress back
// at the start. Returns whether postings remain to move. On failure nothing has changed.
Result<bool> merge_step(Database& db, RecentPostings from, std::int64_t max_postings);

// Moves every posting of both recent tables into postings_merged inside the caller's open
// transaction (a replay's scratch database runs in one), leaving postings_recent appending.
// Returns how many postings it moved.
Result<std::int64_t> move_recent_postings(Database& db);

}  // namespace pardner::ledger
