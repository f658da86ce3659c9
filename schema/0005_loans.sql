-- Pardner schema 5: community loan funds, derived from the loan entries of the log
-- (ledger/loan_projection.cc). Money moves only through ordinary transactions on the fund's
-- accounts; these tables hold the loans' terms, lifecycle and the admins who decided.

-- A fund names six existing accounts of one currency. Its rules: how many distinct admins must
-- approve a loan, the largest loan, and the largest share of the available cash one loan may take.
CREATE TABLE loan_funds (
  id INTEGER PRIMARY KEY,
  currency TEXT NOT NULL,
  cash_account INTEGER NOT NULL REFERENCES accounts(id),
  receivable_account INTEGER NOT NULL REFERENCES accounts(id),
  interest_income_account INTEGER NOT NULL REFERENCES accounts(id),
  fee_income_account INTEGER NOT NULL REFERENCES accounts(id),
  loss_expense_account INTEGER NOT NULL REFERENCES accounts(id),
  capital_account INTEGER NOT NULL REFERENCES accounts(id),
  approval_quorum INTEGER NOT NULL CHECK (approval_quorum >= 1),
  loan_max_minor INTEGER NOT NULL CHECK (loan_max_minor >= 1),
  cash_share_max_bps INTEGER NOT NULL CHECK (cash_share_max_bps BETWEEN 1 AND 10000),
  created_seq INTEGER NOT NULL
) STRICT;

-- A product's terms, exactly the fields of ledger/loan_terms.h with their wire names.
CREATE TABLE loan_products (
  id INTEGER PRIMARY KEY,
  fund_id INTEGER NOT NULL REFERENCES loan_funds(id),
  instalment_count INTEGER NOT NULL,
  frequency TEXT NOT NULL CHECK (frequency IN ('weekly', 'fortnightly', 'monthly')),
  interest_method TEXT NOT NULL CHECK (interest_method IN ('zero', 'flat', 'declining_balance')),
  annual_rate_bps INTEGER NOT NULL,
  upfront_fee_kind TEXT NOT NULL CHECK (upfront_fee_kind IN ('none', 'fixed', 'basis_points')),
  upfront_fee_value INTEGER NOT NULL,
  fee_collection TEXT NOT NULL CHECK (fee_collection IN ('at_disbursement', 'with_instalments')),
  grace_instalments INTEGER NOT NULL,
  late_fee_minor INTEGER NOT NULL,
  late_fee_grace_days INTEGER NOT NULL,
  created_seq INTEGER NOT NULL
) STRICT;

-- A loan's lifecycle: applied -> approved -> disbursed -> repaid, or rejected / withdrawn /
-- written_off. reservation_transaction is the pending transaction made when quorum was reached.
CREATE TABLE loans (
  id INTEGER PRIMARY KEY,
  fund_id INTEGER NOT NULL REFERENCES loan_funds(id),
  product_id INTEGER NOT NULL REFERENCES loan_products(id),
  member_id INTEGER NOT NULL REFERENCES members(id),
  payout_account INTEGER NOT NULL REFERENCES accounts(id),
  principal_minor INTEGER NOT NULL CHECK (principal_minor >= 1),
  status TEXT NOT NULL CHECK (status IN ('applied', 'approved', 'rejected', 'withdrawn',
                                         'disbursed', 'repaid', 'written_off')),
  applied_seq INTEGER NOT NULL,
  applied_by_token INTEGER NOT NULL,
  approved_seq INTEGER,
  reservation_transaction INTEGER REFERENCES transactions(id),
  disbursed_seq INTEGER,
  disbursement_date TEXT,
  payout_transaction INTEGER REFERENCES transactions(id),
  resolved_seq INTEGER
) STRICT;
CREATE INDEX loans_by_member ON loans(member_id);
CREATE INDEX loans_by_fund ON loans(fund_id, status);

-- Every approval, naming the admin's token and the member that token speaks for (if any). History:
-- append-only, like the log it is derived from.
CREATE TABLE loan_approvals (
  loan_id INTEGER NOT NULL REFERENCES loans(id),
  seq INTEGER NOT NULL,
  admin_token INTEGER NOT NULL,
  admin_member INTEGER,
  PRIMARY KEY (loan_id, seq)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER loan_approvals_refuse_update BEFORE UPDATE ON loan_approvals
BEGIN SELECT RAISE(ABORT, 'loan approvals are append-only'); END;
CREATE TRIGGER loan_approvals_refuse_delete BEFORE DELETE ON loan_approvals
BEGIN SELECT RAISE(ABORT, 'loan approvals are append-only'); END;

-- The schedule fixed at disbursement (ledger/loan_schedule.h), recomputed by the projection from
-- the product's terms, the principal and the disbursement's value date: a function of the log.
-- History: append-only.
CREATE TABLE loan_instalments (
  loan_id INTEGER NOT NULL REFERENCES loans(id),
  number INTEGER NOT NULL CHECK (number >= 1),
  due_date TEXT NOT NULL,
  principal_minor INTEGER NOT NULL CHECK (principal_minor >= 0),
  interest_minor INTEGER NOT NULL CHECK (interest_minor >= 0),
  fee_minor INTEGER NOT NULL CHECK (fee_minor >= 0),
  PRIMARY KEY (loan_id, number)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER loan_instalments_refuse_update BEFORE UPDATE ON loan_instalments
BEGIN SELECT RAISE(ABORT, 'loan instalments are append-only'); END;
CREATE TRIGGER loan_instalments_refuse_delete BEFORE DELETE ON loan_instalments
BEGIN SELECT RAISE(ABORT, 'loan instalments are append-only'); END;

-- Every repayment and how apply_repayment (ledger/loan_repayment.h) allocated it. With the
-- schedule above it rebuilds the loan's state (ledger/loan_ledger_state.cc). History: append-only.
CREATE TABLE loan_repayments (
  loan_id INTEGER NOT NULL REFERENCES loans(id),
  seq INTEGER NOT NULL,
  paid_on TEXT NOT NULL,
  amount_minor INTEGER NOT NULL CHECK (amount_minor >= 1),
  late_fee_minor INTEGER NOT NULL,
  fee_minor INTEGER NOT NULL,
  interest_minor INTEGER NOT NULL,
  principal_minor INTEGER NOT NULL,
  prepaid_principal_minor INTEGER NOT NULL,
  transaction_id INTEGER NOT NULL REFERENCES transactions(id),
  PRIMARY KEY (loan_id, seq)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER loan_repayments_refuse_update BEFORE UPDATE ON loan_repayments
BEGIN SELECT RAISE(ABORT, 'loan repayments are append-only'); END;
CREATE TRIGGER loan_repayments_refuse_delete BEFORE DELETE ON loan_repayments
BEGIN SELECT RAISE(ABORT, 'loan repayments are append-only'); END;
