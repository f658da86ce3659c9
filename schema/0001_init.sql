-- Pardner schema 1: the log, the state derived from it, and the data kept outside it.
-- A shipped migration is never edited; changes go in a new numbered file.

-- Settings fixed by `pardner init` (ledger name, default currency, value-date window).
CREATE TABLE ledger_settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- The log: one row per accepted command. `leaf` is the entry's canonical JSON (RFC 8785),
-- exactly the bytes that are signed and hashed. Never updated, never deleted.
CREATE TABLE entries (
  seq INTEGER PRIMARY KEY CHECK (seq >= 0),
  leaf BLOB NOT NULL
) STRICT;
CREATE TRIGGER entries_refuse_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'entries are append-only'); END;
CREATE TRIGGER entries_refuse_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'entries are append-only'); END;

-- Derived from the log: members as the log knows them (ids and status only).
CREATE TABLE members (
  id INTEGER PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'left')),
  created_seq INTEGER NOT NULL
) STRICT;

-- Outside the log: personal data, which may be corrected or erased while the log stays intact.
CREATE TABLE member_profiles (
  member_id INTEGER PRIMARY KEY REFERENCES members(id),
  display_name TEXT,
  contact TEXT
) STRICT;

-- Derived from the log: accounts with their running totals (posted and pending, debit and
-- credit, each a non-negative count of minor units).
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL CHECK (type IN ('asset', 'liability', 'equity', 'income', 'expense')),
  currency TEXT NOT NULL,
  member_id INTEGER REFERENCES members(id),
  status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  floor_minor INTEGER,
  opened_seq INTEGER NOT NULL,
  closed_seq INTEGER,
  debits_posted INTEGER NOT NULL DEFAULT 0,
  credits_posted INTEGER NOT NULL DEFAULT 0,
  debits_pending INTEGER NOT NULL DEFAULT 0,
  credits_pending INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX accounts_by_member ON accounts(member_id) WHERE member_id IS NOT NULL;

-- Derived from the log: each transaction's lifecycle.
CREATE TABLE transactions (
  id INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('posted', 'pending', 'voided', 'expired')),
  value_date TEXT NOT NULL,
  timeout_us INTEGER,
  resolved_seq INTEGER,
  reverses INTEGER REFERENCES transactions(id),
  reversed_by INTEGER REFERENCES transactions(id)
) STRICT;
CREATE INDEX transactions_pending_by_timeout ON transactions(timeout_us)
  WHERE status = 'pending' AND timeout_us IS NOT NULL;

-- Derived from the log, and append-only like it: every posting, clustered by account so a
-- statement or a balance "as of" reads one contiguous range. For posted postings
-- debits_after/credits_after are the account's posted totals just after it.
CREATE TABLE postings (
  account_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  transaction_id INTEGER NOT NULL,
  amount_minor INTEGER NOT NULL CHECK (amount_minor != 0),
  phase TEXT NOT NULL CHECK (phase IN ('pending', 'posted')),
  value_date TEXT NOT NULL,
  debits_after INTEGER,
  credits_after INTEGER,
  PRIMARY KEY (account_id, seq, idx)
) STRICT, WITHOUT ROWID;
CREATE INDEX postings_by_transaction ON postings(transaction_id);
CREATE TRIGGER postings_refuse_update BEFORE UPDATE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;
CREATE TRIGGER postings_refuse_delete BEFORE DELETE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;

-- Outside the log: every client key ever used, with the first outcome (an entry, or a
-- refusal, which has no entry). Rows are in arrival order, so appends touch only the right
-- edge; lookups go through a compact index of 64-bit key hashes rather than a UNIQUE index of
-- the keys themselves, which clients often make random (UUIDv4). Never updated or deleted.
CREATE TABLE idempotency (
  id INTEGER PRIMARY KEY,
  key_hash INTEGER NOT NULL,
  key TEXT NOT NULL,
  request_hash BLOB NOT NULL,
  seq INTEGER,
  result_id INTEGER,
  error_code TEXT,
  error_detail TEXT,
  CHECK ((seq IS NULL) != (error_code IS NULL))
) STRICT;
CREATE INDEX idempotency_by_key_hash ON idempotency(key_hash);
CREATE TRIGGER idempotency_refuse_update BEFORE UPDATE ON idempotency
BEGIN SELECT RAISE(ABORT, 'idempotency records are permanent'); END;
CREATE TRIGGER idempotency_refuse_delete BEFORE DELETE ON idempotency
BEGIN SELECT RAISE(ABORT, 'idempotency records are permanent'); END;
