-- Pardner schema 2: the signed, verifiable log on top of the entries of schema 1.
-- All three tables are append-only, like the entries they describe.

-- Ed25519 over exactly each entry's leaf bytes, with the ledger's signing key.
CREATE TABLE entry_signatures (
  seq INTEGER PRIMARY KEY REFERENCES entries(seq),
  signature BLOB NOT NULL CHECK (length(signature) = 64)
) STRICT;
CREATE TRIGGER entry_signatures_refuse_update BEFORE UPDATE ON entry_signatures
BEGIN SELECT RAISE(ABORT, 'entry signatures are append-only'); END;
CREATE TRIGGER entry_signatures_refuse_delete BEFORE DELETE ON entry_signatures
BEGIN SELECT RAISE(ABORT, 'entry signatures are append-only'); END;

-- The RFC 6962 Merkle tree over the leaves, stored as its complete subtrees only: the node at
-- (level, idx) is the hash of leaves [idx * 2^level, (idx + 1) * 2^level). Appending a leaf adds
-- the nodes it completes and never changes one, so any root or proof for any size up to the
-- current one needs O(log n) reads.
CREATE TABLE merkle_nodes (
  level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 63),
  idx INTEGER NOT NULL CHECK (idx >= 0),
  hash BLOB NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (level, idx)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER merkle_nodes_refuse_update BEFORE UPDATE ON merkle_nodes
BEGIN SELECT RAISE(ABORT, 'merkle nodes are append-only'); END;
CREATE TRIGGER merkle_nodes_refuse_delete BEFORE DELETE ON merkle_nodes
BEGIN SELECT RAISE(ABORT, 'merkle nodes are append-only'); END;

-- One signed checkpoint (C2SP tlog-checkpoint in a signed note) per committed batch, kept for
-- ever so auditors can ask for consistency between any two sizes they hold.
CREATE TABLE checkpoints (
  tree_size INTEGER PRIMARY KEY CHECK (tree_size >= 0),
  root_hash BLOB NOT NULL CHECK (length(root_hash) = 32),
  note TEXT NOT NULL
) STRICT;
CREATE TRIGGER checkpoints_refuse_update BEFORE UPDATE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
CREATE TRIGGER checkpoints_refuse_delete BEFORE DELETE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END;
