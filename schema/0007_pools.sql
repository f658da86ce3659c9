-- Pardner schema 7: reinvestment pools, derived from the pool entries of the log
-- (ledger/pool_projection.cc). Money moves only through ordinary transactions on the accounts
-- named here; these tables hold who contributed, the allocation policies and each distribution's
-- split, so a reader can show them and replay can recompute the split.

-- A pool is an existing equity or liability account of one currency, set aside for reinvestment.
CREATE TABLE pools (
  id INTEGER PRIMARY KEY,
  currency TEXT NOT NULL,
  account_id INTEGER NOT NULL UNIQUE REFERENCES accounts(id),
  description TEXT NOT NULL,
  created_seq INTEGER NOT NULL
) STRICT;

-- One row per contribution; the money is the transaction named.
CREATE TABLE pool_contributions (
  pool_id INTEGER NOT NULL REFERENCES pools(id),
  seq INTEGER NOT NULL,
  transaction_id INTEGER NOT NULL REFERENCES transactions(id),
  source_account INTEGER NOT NULL REFERENCES accounts(id),
  source_kind TEXT NOT NULL CHECK (source_kind IN ('member_account', 'income', 'clearing')),
  amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
  contributor_member INTEGER,
  reason TEXT NOT NULL,
  by_token INTEGER NOT NULL,
  PRIMARY KEY (pool_id, seq)
) STRICT;

-- Allocation policies: version 1, 2, ... per pool, every version kept. The policy in force is
-- the highest version.
CREATE TABLE pool_policies (
  pool_id INTEGER NOT NULL REFERENCES pools(id),
  version INTEGER NOT NULL CHECK (version >= 1),
  seq INTEGER NOT NULL,
  PRIMARY KEY (pool_id, version)
) STRICT;

CREATE TABLE pool_policy_shares (
  pool_id INTEGER NOT NULL,
  version INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  name TEXT NOT NULL,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  bps INTEGER NOT NULL CHECK (bps BETWEEN 1 AND 10000),
  PRIMARY KEY (pool_id, version, idx),
  FOREIGN KEY (pool_id, version) REFERENCES pool_policies(pool_id, version)
) STRICT;

-- A distribution by the policy version in force; its lines are the split, one per share.
CREATE TABLE pool_distributions (
  id INTEGER PRIMARY KEY,
  pool_id INTEGER NOT NULL REFERENCES pools(id),
  policy_version INTEGER NOT NULL,
  amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
  transaction_id INTEGER NOT NULL REFERENCES transactions(id),
  seq INTEGER NOT NULL
) STRICT;

CREATE TABLE pool_distribution_lines (
  distribution_id INTEGER NOT NULL REFERENCES pool_distributions(id),
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  bps INTEGER NOT NULL,
  amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
  PRIMARY KEY (distribution_id, account_id)
) STRICT;

-- Funding rounds on a pool. amount_minor NULL: the pool's available balance at closing.
CREATE TABLE pool_rounds (
  id INTEGER PRIMARY KEY,
  pool_id INTEGER NOT NULL REFERENCES pools(id),
  amount_minor INTEGER,
  voting_start_us INTEGER NOT NULL,
  voting_end_us INTEGER NOT NULL,
  rule TEXT NOT NULL CHECK (rule IN ('winner_takes_all', 'proportional')),
  tie_break TEXT NOT NULL CHECK (tie_break IN ('first_listed', 'split_equally')),
  cap_minor INTEGER,
  min_share_bps INTEGER,
  votes_per_member INTEGER NOT NULL,
  candidates_may_self_vote INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  opened_seq INTEGER NOT NULL,
  closed_seq INTEGER,
  paid_minor INTEGER,
  transaction_id INTEGER
) STRICT;
CREATE INDEX pool_rounds_open ON pool_rounds (voting_end_us) WHERE status = 'open';

CREATE TABLE pool_round_candidates (
  round_id INTEGER NOT NULL REFERENCES pool_rounds(id),
  number INTEGER NOT NULL,
  member_id INTEGER NOT NULL,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  description TEXT NOT NULL,
  payout_minor INTEGER,
  PRIMARY KEY (round_id, number)
) STRICT;

-- Each member's ballot in force (a later vote replaces it) and its lines.
CREATE TABLE pool_round_ballots (
  round_id INTEGER NOT NULL REFERENCES pool_rounds(id),
  member_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (round_id, member_id)
) STRICT;

CREATE TABLE pool_round_ballot_lines (
  round_id INTEGER NOT NULL,
  member_id INTEGER NOT NULL,
  candidate INTEGER NOT NULL,
  votes INTEGER NOT NULL CHECK (votes >= 1),
  PRIMARY KEY (round_id, member_id, candidate)
) STRICT;
