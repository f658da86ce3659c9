-- Pardner schema 6: late fees charged, write-off by an admin quorum, and recoveries on loans
-- written off, derived from their entries (ledger/loan_projection.cc, ledger/loan_writeoff.cc).
-- Money moves only through ordinary transactions; these tables hold what the log decided.

-- A late fee charged on one instalment: at most one per instalment (the primary key), charged
-- by a loan_late_fee_charged entry. A charge moves no money: late fees are income when paid.
-- With the schedule and the repayments it rebuilds the loan's state (ledger/loan_ledger_state.cc).
-- History: append-only.
CREATE TABLE loan_late_fees (
  loan_id INTEGER NOT NULL REFERENCES loans(id),
  number INTEGER NOT NULL CHECK (number >= 1),
  seq INTEGER NOT NULL,
  charged_on TEXT NOT NULL,
  amount_minor INTEGER NOT NULL CHECK (amount_minor >= 1),
  PRIMARY KEY (loan_id, number)
) STRICT, WITHOUT ROWID;
CREATE INDEX loan_late_fees_by_seq ON loan_late_fees(loan_id, seq);
CREATE TRIGGER loan_late_fees_refuse_update BEFORE UPDATE ON loan_late_fees
BEGIN SELECT RAISE(ABORT, 'loan late fees are append-only'); END;
CREATE TRIGGER loan_late_fees_refuse_delete BEFORE DELETE ON loan_late_fees
BEGIN SELECT RAISE(ABORT, 'loan late fees are append-only'); END;

-- Every admin's approval of a write-off, naming the admin's token and its member (if any), as
-- loan_approvals does for lending. History: append-only.
CREATE TABLE loan_writeoff_approvals (
  loan_id INTEGER NOT NULL REFERENCES loans(id),
  seq INTEGER NOT NULL,
  admin_token INTEGER NOT NULL,
  admin_member INTEGER,
  PRIMARY KEY (loan_id, seq)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER loan_writeoff_approvals_refuse_update BEFORE UPDATE ON loan_writeoff_approvals
BEGIN SELECT RAISE(ABORT, 'loan write-off approvals are append-only'); END;
CREATE TRIGGER loan_writeoff_approvals_refuse_delete BEFORE DELETE ON loan_writeoff_approvals
BEGIN SELECT RAISE(ABORT, 'loan write-off approvals are append-only'); END;

-- The write-off made when the quorum was reached: the outstanding principal moved from loans
-- receivable to loan-loss expense by `transaction_id` (NULL when no principal was left). One per
-- loan. History: append-only.
CREATE TABLE loan_writeoffs (
  loan_id INTEGER PRIMARY KEY REFERENCES loans(id),
  seq INTEGER NOT NULL,
  principal_minor INTEGER NOT NULL CHECK (principal_minor >= 0),
  transaction_id INTEGER REFERENCES transactions(id)
) STRICT;
CREATE TRIGGER loan_writeoffs_refuse_update BEFORE UPDATE ON loan_writeoffs
BEGIN SELECT RAISE(ABORT, 'loan write-offs are append-only'); END;
CREATE TRIGGER loan_writeoffs_refuse_delete BEFORE DELETE ON loan_writeoffs
BEGIN SELECT RAISE(ABORT, 'loan write-offs are append-only'); END;

-- Money recovered on a written-off loan: the source debited, loan-loss expense credited. Their
-- sum never passes the principal written off. History: append-only.
CREATE TABLE loan_recoveries (
  loan_id INTEGER NOT NULL REFERENCES loans(id),
  seq INTEGER NOT NULL,
  source_account INTEGER NOT NULL REFERENCES accounts(id),
  amount_minor INTEGER NOT NULL CHECK (amount_minor >= 1),
  transaction_id INTEGER NOT NULL REFERENCES transactions(id),
  PRIMARY KEY (loan_id, seq)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER loan_recoveries_refuse_update BEFORE UPDATE ON loan_recoveries
BEGIN SELECT RAISE(ABORT, 'loan recoveries are append-only'); END;
CREATE TRIGGER loan_recoveries_refuse_delete BEFORE DELETE ON loan_recoveries
BEGIN SELECT RAISE(ABORT, 'loan recoveries are append-only'); END;
