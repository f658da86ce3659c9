#include "ledger/postings_merge.h"

namespace pardner::ledger {

Result<Seq> oldest_recent_posting_seq(Database& db, Seq next_seq) {
  Statement& query = db.cached("SELECT seq FROM postings_recent ORDER BY seq, idx LIMIT 1");
  auto row = query.step();
  if (!row) return row.error();
  Seq oldest = row.value() ? query.column_int(0) : next_seq;
  query.reset();
  return oldest;
}

Result<std::int64_t> merge_recent_postings(Database& db) {
  if (auto begun = db.exec("BEGIN IMMEDIATE"); !begun) return begun.error();
  // In the merged table's order, so each of its leaves is dirtied once however many of the run's
  // postings land there. The delete trigger checks each row arrived.
  auto moved = db.cached(
                     "INSERT INTO postings_merged (account_id, seq, idx, transaction_id,"
                     " amount_minor, phase, value_date, debits_after, credits_after)"
                     " SELECT account_id, seq, idx, transaction_id, amount_minor, phase,"
                     " value_date, debits_after, credits_after FROM postings_recent"
                     " ORDER BY account_id, seq, idx")
                   .run();
  std::int64_t count = db.changes();
  if (moved) moved = db.cached("DELETE FROM postings_recent").run();
  if (moved && db.changes() != count) {
    moved =
        Error{Errc::storage_failed, "a postings merge moved " + std::to_string(count) +
                                        " postings but removed " + std::to_string(db.changes())};
  }
  if (moved) moved = db.exec("COMMIT");
  if (!moved) {
    (void)db.exec("ROLLBACK");
    return moved.error();
  }
  return count;
}

}  // namespace pardner::ledger
