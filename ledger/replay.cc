// One replay step: decode, check seq and time, project.
#include "ledger/replay.h"

#include "crypto/invariant.h"
#include "ledger/migrations.h"
#include "ledger/projection.h"

namespace pardner::ledger {

Error entry_error(Seq seq, const std::string& what) {
  return Error{Errc::invalid_argument, "entry " + std::to_string(seq) + ": " + what};
}

Result<Replay> Replay::start(std::int64_t postings_merge_entries) {
  // A private temporary file (the empty name), not ":memory:": SQLite keeps only its page
  // cache in memory and spills the rest to a file it deletes on close, so replaying a log of
  // any length takes bounded memory. Temporary files are never synced.
  auto db = Database::open("", Database::Mode::read_write_create);
  if (!db) return db.error();
  if (auto migrated = migrate(db.value()); !migrated) return migrated.error();
  if (auto begun = db.value().exec("BEGIN"); !begun) return begun.error();
  return Replay(std::move(db.value()), postings_merge_entries);
}

Replay Replay::start_balances_only() { return Replay(std::nullopt, 0); }

Database& Replay::db() {
  PARDNER_ASSERT(db_.has_value());
  return *db_;
}

Result<std::vector<TrialBalanceLine>> Replay::trial_balance() {
  if (db_) return compute_trial_balance(*db_);
  return balances_.trial_balance();
}

Result<Entry> Replay::apply(Seq expected_seq, std::string_view leaf) {
  auto entry = decode(expected_seq, leaf);
  if (!entry) return entry.error();
  if (auto applied = apply_decoded(expected_seq, entry.value()); !applied) return applied.error();
  return entry;
}

Result<Entry> Replay::decode(Seq expected_seq, std::string_view leaf,
                             boost::json::storage_ptr storage) {
  auto entry = decode_leaf(leaf, std::move(storage));
  if (!entry) return entry_error(expected_seq, entry.error().detail);
  if (entry.value().seq != expected_seq) {
    return entry_error(expected_seq, "leaf names seq " + std::to_string(entry.value().seq));
  }
  return entry;
}

Result<Ok> Replay::apply_decoded(Seq expected_seq, const Entry& entry) {
  PARDNER_ASSERT(entry.seq == expected_seq);
  if (entry.ts < last_ts_) return entry_error(expected_seq, "ts goes back in time");
  last_ts_ = entry.ts;
  auto projected = db_ ? project(*db_, entry, RecentPostings::a) : balances_.apply(entry);
  if (!projected) {
    return Error{projected.error().code, "entry " + std::to_string(expected_seq) + ": " +
                                             std::string(wire_name(projected.error().code)) + ": " +
                                             projected.error().detail};
  }
  // Merged as the writer merges them, so the scratch tables have the stored ones' shape: a
  // comparison reads the postings by account through the merged table's clustering, not
  // through the recent table's index, a lookup per posting.
  if (db_ && (expected_seq + 1) % postings_merge_entries_ == 0) {
    if (auto merged = move_recent_postings(*db_); !merged) return merged.error();
  }
  return Ok{};
}

}  // namespace pardner::ledger
