// Replaying the log from its bytes alone into a fresh scratch database, through the same
// projection the writer uses. Shared by `rebuild` (compare with the stored tables) and the
// auditor's `verify` (recompute every balance). Never touches a ledger file. `verify --replay
// balances` replays the money rules alone, in memory (ledger/balance_replay.h).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "ledger/balance_replay.h"
#include "ledger/entry.h"
#include "ledger/error.h"
#include "ledger/postings_merge.h"
#include "ledger/sqlite.h"

namespace pardner::ledger {

// How often a replay whose tables nobody compares merges its postings (`pardner verify` without
// a comparison). Its reads go through the view of both tables, so the merges change no result;
// the writer's interval (postings_merge_entries_default) made a third of the replay's SQLite
// time merging, each merge visiting the whole merged table. Rarer merges still bound the recent
// table's account index, about 20 bytes a posting, to about 40 MiB at two postings an entry:
// within the scratch database's 64 MiB page cache, so its random inserts stay in memory.
inline constexpr std::int64_t uncompared_replay_merge_entries = std::int64_t{1} << 20;

class Replay {
 public:
  // An empty, migrated scratch database (a temporary file behind a bounded page cache) inside
  // one open transaction. Its recent postings are merged every `postings_merge_entries`
  // entries, as the writer merges the stored ones.
  static Result<Replay> start(std::int64_t postings_merge_entries = postings_merge_entries_default);
  // The money rules only, in memory (ledger/balance_replay.h): no scratch database, so db()
  // may not be called.
  static Replay start_balances_only();

  // Applies the leaf that must be entry `expected_seq`: it must decode canonically, name that
  // seq, not go back in time, and be accepted by the projection. Refusals are
  // invalid_argument (or the projection's own code) with a detail of the form
  // "entry N: what is wrong".
  Result<Entry> apply(Seq expected_seq, std::string_view leaf);

  // apply() in its two halves, so the decoding (pure, and most of the cost) may run on another
  // thread: decode() refuses what apply() would refuse before projecting, with the same detail;
  // apply_decoded() does the rest, in log order.
  // `storage` as decode_leaf takes it.
  static Result<Entry> decode(Seq expected_seq, std::string_view leaf,
                              boost::json::storage_ptr storage = {});
  Result<Ok> apply_decoded(Seq expected_seq, const Entry& entry);

  // The trial balance of what was replayed.
  Result<std::vector<TrialBalanceLine>> trial_balance();

  // The full replay's scratch database; not for a balances-only replay.
  Database& db();

 private:
  Replay(std::optional<Database> db, std::int64_t postings_merge_entries)
      : db_(std::move(db)), postings_merge_entries_(postings_merge_entries) {}
  std::optional<Database> db_;  // the full replay's
  BalanceReplay balances_;      // the balances-only replay's
  std::int64_t postings_merge_entries_;
  Timestamp last_ts_ = 0;
};

// "entry N: what" as an invalid_argument Error, the form every replay refusal takes.
Error entry_error(Seq seq, const std::string& what);

}  // namespace pardner::ledger
