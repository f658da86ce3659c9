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
-- A posting leaves the recent table only once the same posting is in the merged one: a merge
-- moves it, nothing removes it.
CREATE TRIGGER postings_recent_delete_only_merged BEFORE DELETE ON postings_recent
WHEN NOT EXISTS (
  SELECT 1 FROM postings_merged m
  WHERE m.account_id = old.account_id AND m.seq = old.seq AND m.idx = old.idx
    AND m.transaction_id = old.transaction_id AND m.amount_minor = old.amount_minor
    AND m.phase = old.phase AND m.value_date = old.value_date
    AND m.debits_after IS old.debits_after AND m.credits_after IS old.credits_after)
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;

CREATE VIEW postings AS
  SELECT account_id, seq, idx, transaction_id, amount_minor, phase, value_date, debits_after,
         credits_after
  FROM postings_merged
  UNION ALL
  SELECT account_id, seq, idx, transaction_id, amount_minor, phase, value_date, debits_after,
         credits_after
  FROM postings_recent;
