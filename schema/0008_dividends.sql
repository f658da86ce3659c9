-- Pardner schema 8: co-operative dividends, derived from the dividend_declared entries of the log
-- (ledger/dividend_projection.cc). The money is in ordinary transactions, named here; these
-- tables keep each dividend's inputs and every member's line of the split, so a reader can show
-- a member how their payout was computed. Replay recomputes every line before storing it.

CREATE TABLE dividends (
  id INTEGER PRIMARY KEY,
  source_pool INTEGER REFERENCES pools(id),
  source_account INTEGER NOT NULL REFERENCES accounts(id),
  currency TEXT NOT NULL,
  share_prefix TEXT NOT NULL,
  payout_prefix TEXT,
  as_of_seq INTEGER NOT NULL CHECK (as_of_seq >= 0),
  rate_bps INTEGER,
  amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
  total_shares INTEGER NOT NULL CHECK (total_shares > 0),
  seq INTEGER NOT NULL
) STRICT;

-- The transactions that paid it, in the order they were appended.
CREATE TABLE dividend_transactions (
  dividend_id INTEGER NOT NULL REFERENCES dividends(id),
  idx INTEGER NOT NULL,
  transaction_id INTEGER NOT NULL REFERENCES transactions(id),
  seq INTEGER NOT NULL,
  PRIMARY KEY (dividend_id, idx)
) STRICT;

-- One line per share account with a positive balance as of the dividend's as_of_seq.
-- transaction_id is NULL when the line's part of the split is 0 (nothing was paid).
CREATE TABLE dividend_lines (
  dividend_id INTEGER NOT NULL REFERENCES dividends(id),
  share_account INTEGER NOT NULL REFERENCES accounts(id),
  member_id INTEGER NOT NULL REFERENCES members(id),
  shares INTEGER NOT NULL CHECK (shares > 0),
  payout_account INTEGER NOT NULL REFERENCES accounts(id),
  amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
  transaction_id INTEGER REFERENCES transactions(id),
  PRIMARY KEY (dividend_id, share_account)
) STRICT, WITHOUT ROWID;
CREATE INDEX dividend_lines_by_member ON dividend_lines (member_id, dividend_id);
