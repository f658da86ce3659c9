#include "ledger/postings_merge.h"

#include <string>

namespace pardner::ledger {

Result<Seq> oldest_recent_posting_seq(Database& db, Seq next_seq) {
  Statement& query = db.cached("SELECT seq FROM postings_recent ORDER BY seq, idx LIMIT 1");
  auto row = query.step();
  if (!row) return row.error();
  Seq oldest = row.value() ? query.column_int(0) : next_seq;
  query.reset();
  return oldest;
}

namespace {

// The append-only trigger on postings_recent as the schema holds it, to put back word for word
// (the integrity check compares the schema with the migrations').
Result<std::string> refuse_delete_trigger(Database& db) {
  Statement& query = db.cached(
      "SELECT sql FROM sqlite_schema WHERE type = 'trigger'"
      " AND name = 'postings_recent_refuse_delete' AND tbl_name = 'postings_recent'");
  auto row = query.step();
  if (!row) return row.error();
  std::string sql = row.value() ? query.column_text(0) : "";
  query.reset();
  if (sql.empty()) {
    return Error{Errc::storage_failed, "the ledger has no trigger postings_recent_refuse_delete"};
  }
  return sql;
}

}  // namespace

// Copies every recent posting into postings_merged, then empties postings_recent whole: its
// append-only trigger is lifted for the delete and put back.
Result<std::int64_t> move_recent_postings(Database& db) {
  auto trigger = refuse_delete_trigger(db);
  if (!trigger) return trigger.error();
  // In the merged table's order, so each of its leaves is dirtied once however many of the
  // run's postings land there.
  auto copied = db.cached(
                      "INSERT INTO postings_merged (account_id, seq, idx, transaction_id,"
                      " amount_minor, phase, value_date, debits_after, credits_after)"
                      " SELECT account_id, seq, idx, transaction_id, amount_minor, phase,"
                      " value_date, debits_after, credits_after FROM postings_recent"
                      " ORDER BY account_id, seq, idx")
                    .run();
  if (!copied) return copied.error();
  const std::int64_t count = db.changes();
  if (count == 0) return count;
  if (auto lifted = db.exec("DROP TRIGGER postings_recent_refuse_delete"); !lifted) {
    return lifted.error();
  }
  // No WHERE and no delete trigger: SQLite frees the table's pages instead of visiting rows.
  if (auto emptied = db.exec("DELETE FROM postings_recent"); !emptied) return emptied.error();
  if (db.changes() != count) {
    return Error{Errc::storage_failed, "a postings merge copied " + std::to_string(count) +
                                           " postings but removed " + std::to_string(db.changes())};
  }
  if (auto restored = db.exec(trigger.value()); !restored) return restored.error();
  return count;
}

namespace {

Result<std::int64_t> move_in_own_transaction(Database& db) {
  if (auto begun = db.exec("BEGIN IMMEDIATE"); !begun) return begun.error();
  auto moved = move_recent_postings(db);
  auto committed = moved ? db.exec("COMMIT") : Result<Ok>(moved.error());
  if (!committed) {
    (void)db.exec("ROLLBACK");
    return committed.error();
  }
  return moved;
}

}  // namespace

Result<std::int64_t> merge_recent_postings(Database& db) {
  // Postings are in the log, which every auditor reads: they need none of the zeroing that
  // secure_delete=ON gives an erased profile. Zeroing the pages the merge frees would write
  // each of them to the WAL once more, about an eighth of a merge's time.
  if (auto fast = db.exec("PRAGMA secure_delete=FAST"); !fast) return fast.error();
  auto moved = move_in_own_transaction(db);
  // Whatever happened, the connection goes back to zeroing before it writes anything else.
  if (auto secure = db.exec("PRAGMA secure_delete=ON"); !secure) return secure.error();
  return moved;
}

}  // namespace pardner::ledger
