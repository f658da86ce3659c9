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

