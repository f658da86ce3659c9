-- Pardner schema 11: new postings go into a small table in log order and reach the table
-- clustered by account in sorted runs.
--
-- Clustered by account, every transfer to a member inserted a posting at that member's place
-- in the tree: once the tree had more leaves than a batch had postings, each one dirtied a page
-- of its own, written to the WAL and copied back by a checkpoint (about 1,000 of the pages a
-- batch of 1,000 transfers to random members wrote with 1,000,000 stored; docs/performance.md,
-- "Sixth round"). Now the writer appends postings to `postings_recent`, keyed by (seq, idx), and
-- between batches, once they span enough entries, moves them into `postings_merged` in one
-- sorted run, which dirties each leaf it adds to about once per run instead of once per batch.
--
-- The view `postings` is the two together, and every reader reads it: a query whose ORDER BY
-- names only columns it selects is run as a merge of two index scans, one per table.

ALTER TABLE postings RENAME TO postings_merged;

CREATE TABLE postings_recent (
  account_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  transaction_id INTEGER NOT NULL,
  amount_minor INTEGER NOT NULL CHECK (amount_minor != 0),
  phase TEXT NOT NULL CHECK (phase IN ('pending', 'posted')),
  value_date TEXT NOT NULL,
  debits_after INTEGER,
  credits_after INTEGER,
  PRIMARY KEY (seq, idx)
) STRICT, WITHOUT ROWID;
CREATE INDEX postings_recent_by_account ON postings_recent(account_id, seq, idx);
CREATE INDEX postings_recent_by_transaction ON postings_recent(transaction_id);
CREATE TRIGGER postings_recent_refuse_update BEFORE UPDATE ON postings_recent
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;
-- Nothing deletes a recent posting but a merge, which lifts this trigger inside its own
-- transaction, after copying every recent posting into postings_merged, so that SQLite clears
-- the table whole instead of deleting row by row (about 0.1 s instead of 0.6 s for a merge's
-- 131,072 postings; ledger/postings_merge.cc).
CREATE TRIGGER postings_recent_refuse_delete BEFORE DELETE ON postings_recent
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;

CREATE VIEW postings AS
  SELECT account_id, seq, idx, transaction_id, amount_minor, phase, value_date, debits_after,
         credits_after
  FROM postings_merged
  UNION ALL
  SELECT account_id, seq, idx, transaction_id, amount_minor, phase, value_date, debits_after,
         credits_after
  FROM postings_recent;
