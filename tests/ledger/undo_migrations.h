// Undoing the newest schema migrations on a ledger file, so a test can migrate a ledger as an
// older release left it. Each function undoes one migration and sets user_version to the one
// before; undo_schemas_down_to() undoes them in order, newest first.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "ledger/sqlite.h"

namespace pardner::ledger::testing {

inline void run_all(Database& db, std::initializer_list<const char*> statements) {
  for (const char* sql : statements) {
    auto done = db.exec(sql);
    ASSERT_TRUE(done) << sql << ": " << done.error().detail;
  }
}

// Schema 14 -> 13: the key hashes of every idempotency row in idempotency_keys again, as one
// run.
inline void undo_schema_14(Database& db) {
  run_all(db, {"CREATE TABLE idempotency_keys (key_hash INTEGER NOT NULL, id INTEGER NOT NULL,"
               " PRIMARY KEY (key_hash, id)) STRICT, WITHOUT ROWID",
               "CREATE TRIGGER idempotency_keys_refuse_update BEFORE UPDATE ON idempotency_keys"
               " BEGIN SELECT RAISE(ABORT, 'idempotency keys are permanent'); END",
               "CREATE TRIGGER idempotency_keys_refuse_delete BEFORE DELETE ON idempotency_keys"
               " BEGIN SELECT RAISE(ABORT, 'idempotency keys are permanent'); END",
               "CREATE TABLE idempotency_runs (through_id INTEGER PRIMARY KEY,"
               " keys INTEGER NOT NULL CHECK (keys >= 0)) STRICT",
               "CREATE TRIGGER idempotency_runs_refuse_update BEFORE UPDATE ON idempotency_runs"
               " BEGIN SELECT RAISE(ABORT, 'idempotency runs are permanent'); END",
               "CREATE TRIGGER idempotency_runs_refuse_delete BEFORE DELETE ON idempotency_runs"
               " BEGIN SELECT RAISE(ABORT, 'idempotency runs are permanent'); END",
               "INSERT INTO idempotency_keys (key_hash, id)"
               " SELECT key_hash, id FROM idempotency ORDER BY key_hash, id",
               "INSERT INTO idempotency_runs (through_id, keys)"
               " SELECT max(id), count(*) FROM idempotency HAVING count(*) > 0",
               "PRAGMA user_version = 13"});
}

// Schema 13 -> 12: the recent postings in postings_recent alone, merged whole. Those a merge
// under way has not moved yet (the view's) go back to postings_recent; the rest are in
// postings_merged already.
inline void undo_schema_13(Database& db) {
  auto trigger =
      db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'postings_recent_refuse_delete'");
  ASSERT_TRUE(trigger);
  ASSERT_TRUE(trigger.value().step().value());
  const std::string refuse_delete = trigger.value().column_text(0);
  trigger.value().reset();
  run_all(db, {"BEGIN",
               "CREATE TEMP TABLE unmerged AS SELECT * FROM postings_recent"
               " WHERE (account_id, seq, idx) >= (SELECT account_id, seq, idx FROM"
               " postings_merge_progress WHERE recent = 'postings_recent')"
               " UNION ALL SELECT * FROM postings_recent_b"
               " WHERE (account_id, seq, idx) >= (SELECT account_id, seq, idx FROM"
               " postings_merge_progress WHERE recent = 'postings_recent_b')",
               "DROP VIEW postings", "DROP TRIGGER postings_recent_refuse_delete",
               "DELETE FROM postings_recent", "INSERT INTO postings_recent SELECT * FROM unmerged",
               "DROP TABLE unmerged", "DROP TABLE postings_recent_b",
               "DROP TABLE postings_merge_progress"});
  run_all(db, {refuse_delete.c_str(),
               "CREATE VIEW postings AS SELECT account_id, seq, idx, transaction_id, amount_minor,"
               " phase, value_date, debits_after, credits_after FROM postings_merged UNION ALL"
               " SELECT account_id, seq, idx, transaction_id, amount_minor, phase, value_date,"
               " debits_after, credits_after FROM postings_recent",
               "PRAGMA user_version = 12", "COMMIT"});
}

// Schema 12 -> 11: transactions.status checked by its IN list again. The table is rebuilt as
// migration 12 rebuilds it, with foreign keys off: other tables reference it.
inline void undo_schema_12(Database& db) {
  run_all(db, {"PRAGMA foreign_keys = OFF", "BEGIN",
               "CREATE TABLE transactions_before (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL,"
               " status TEXT NOT NULL CHECK (status IN ('posted', 'pending', 'voided', 'expired')),"
               " value_date TEXT NOT NULL, timeout_us INTEGER, resolved_seq INTEGER,"
               " reverses INTEGER REFERENCES transactions(id),"
               " reversed_by INTEGER REFERENCES transactions(id)) STRICT",
               "INSERT INTO transactions_before SELECT * FROM transactions",
               "DROP TABLE transactions", "ALTER TABLE transactions_before RENAME TO transactions",
               "CREATE INDEX transactions_pending_by_timeout ON transactions(timeout_us)"
               " WHERE status = 'pending' AND timeout_us IS NOT NULL",
               "PRAGMA user_version = 11", "COMMIT", "PRAGMA foreign_keys = ON"});
}

// Schema 11 -> 10: every posting in the one table clustered by account, `postings` again.
inline void undo_schema_11(Database& db) {
  run_all(db, {"DROP VIEW postings", "INSERT INTO postings_merged SELECT * FROM postings_recent",
               "DROP TABLE postings_recent", "ALTER TABLE postings_merged RENAME TO postings",
               "PRAGMA user_version = 10"});
}

// Schema 10 -> 9: the Merkle nodes keyed by (level, idx) again, in merkle_nodes.
inline void undo_schema_10(Database& db) {
  run_all(db,
          {"CREATE TABLE merkle_nodes (level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 63),"
           " idx INTEGER NOT NULL CHECK (idx >= 0), hash BLOB NOT NULL CHECK (length(hash) = 32),"
           " PRIMARY KEY (level, idx)) STRICT, WITHOUT ROWID",
           "CREATE TRIGGER merkle_nodes_refuse_update BEFORE UPDATE ON merkle_nodes"
           " BEGIN SELECT RAISE(ABORT, 'merkle nodes are append-only'); END",
           "CREATE TRIGGER merkle_nodes_refuse_delete BEFORE DELETE ON merkle_nodes"
           " BEGIN SELECT RAISE(ABORT, 'merkle nodes are append-only'); END",
           "INSERT INTO merkle_nodes SELECT level, idx, hash FROM merkle_tree",
           "DROP TABLE merkle_tree", "PRAGMA user_version = 9"});
}

// Schema 9 -> 8: the idempotency key-hash index, no runs.
inline void undo_schema_9(Database& db) {
  run_all(db, {"DROP TABLE idempotency_keys", "DROP TABLE idempotency_runs",
               "CREATE INDEX idempotency_by_key_hash ON idempotency(key_hash)",
               "PRAGMA user_version = 8"});
}

// A ledger at the newest schema back to schema `version` (8 at the oldest), as the release that
// made that schema left it.
inline void undo_schemas_down_to(Database& db, int version) {
  struct Undo {
    int schema;
    void (*undo)(Database&);
  };
  static constexpr Undo newest_first[] = {{14, undo_schema_14}, {13, undo_schema_13},
                                          {12, undo_schema_12}, {11, undo_schema_11},
                                          {10, undo_schema_10}, {9, undo_schema_9}};
  ASSERT_GE(version, 8);
  for (const Undo& step : newest_first) {
    if (step.schema <= version) break;
    ASSERT_NO_FATAL_FAILURE(step.undo(db)) << "undoing schema " << step.schema;
  }
}

}  // namespace pardner::ledger::testing
