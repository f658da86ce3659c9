-- Pardner schema 13: recent postings in two tables taking turns, so that a merge moves them in
-- steps of a bounded size instead of holding the writer for the whole run.
--
-- Schema 11 moved every recent posting into postings_merged in one transaction. The writer takes
-- no batch meanwhile, and that pause grows with the ledger: 0.36 s at 131,072 entries, about 1.1 s
-- at 1,000,000 (docs/performance.md, "HTTPS, seventh round"). Moving only part of a table would
-- mean deleting its rows one at a time, and rows of a range of accounts lie on every page of a
-- table kept in log order.
--
-- So new postings go to one of two tables, the one marked `appending`. When its postings span
-- enough entries the writer marks the other one (which is then empty) and merges the first in
-- steps, one between batches, each moving the next postings in the merged table's order
-- (account, seq, idx) and recording how far it got. The last step empties the table whole, as a
-- merge did before. The view leaves out what a table has already given to postings_merged, so
-- every reader sees each posting exactly once at every step.

CREATE TABLE postings_recent_b (
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
CREATE INDEX postings_recent_b_by_account ON postings_recent_b(account_id, seq, idx);
CREATE INDEX postings_recent_b_by_transaction ON postings_recent_b(transaction_id);
CREATE TRIGGER postings_recent_b_refuse_update BEFORE UPDATE ON postings_recent_b
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;
-- As on postings_recent: lifted only by a merge's last step, to empty the table whole.
CREATE TRIGGER postings_recent_b_refuse_delete BEFORE DELETE ON postings_recent_b
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;

-- One row per recent table. Its postings before (account_id, seq, idx) in that order are in
-- postings_merged already; the start, the smallest integers, when none of them are. The table
-- marked appending takes new postings and always stands at the start.
CREATE TABLE postings_merge_progress (
  recent TEXT PRIMARY KEY CHECK (recent = 'postings_recent' OR recent = 'postings_recent_b'),
  appending INTEGER NOT NULL CHECK (appending = 0 OR appending = 1),
  account_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  idx INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO postings_merge_progress VALUES
  ('postings_recent', 1, -9223372036854775808, -9223372036854775808, -9223372036854775808),
  ('postings_recent_b', 0, -9223372036854775808, -9223372036854775808, -9223372036854775808);

-- Each recent table's condition is one scalar subquery, read once per statement; a reader's
-- ORDER BY that names only selected columns is still run as a merge of the three tables'
-- index scans.
DROP VIEW postings;
CREATE VIEW postings AS
  SELECT account_id, seq, idx, transaction_id, amount_minor, phase, value_date, debits_after,
         credits_after
  FROM postings_merged
  UNION ALL
  SELECT account_id, seq, idx, transaction_id, amount_minor, phase, value_date, debits_after,
         credits_after
  FROM postings_recent
  WHERE (account_id, seq, idx) >= (SELECT account_id, seq, idx FROM postings_merge_progress
                                   WHERE recent = 'postings_recent')
  UNION ALL
  SELECT account_id, seq, idx, transaction_id, amount_minor, phase, value_date, debits_after,
         credits_after
  FROM postings_recent_b
  WHERE (account_id, seq, idx) >= (SELECT account_id, seq, idx FROM postings_merge_progress
                                   WHERE recent = 'postings_recent_b');
