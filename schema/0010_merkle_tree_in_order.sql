-- Pardner schema 10: the Merkle tree's nodes stored in the order the tree is drawn (in-order),
-- so the nodes one batch completes sit side by side.
--
-- Keyed by (level, idx), as merkle_nodes was, every level grew at its own right edge: a commit
-- of a few dozen transfers completed nodes on ten or more levels and dirtied a page on each,
-- 18 of the 41 pages such a commit wrote to the WAL (docs/performance.md, "Fifth round").
-- In-order, the node (level, idx) is at position idx * 2^(level+1) + 2^level - 1: leaves at the
-- even positions, each node between the two halves it covers. Appending leaf n adds the leaf at
-- 2n and the node it completes on each level at 2n + 1 - 2^level, so a batch writes a page or two
-- at the right edge, and a level-7 node or above lands further left only once per 128 leaves.
-- As before, the table holds complete subtrees only: a node is never changed once stored.
CREATE TABLE merkle_tree (
  position INTEGER PRIMARY KEY,
  level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 61),
  idx INTEGER NOT NULL CHECK (idx >= 0 AND idx < (1 << (61 - level))),
  hash BLOB NOT NULL CHECK (length(hash) = 32),
  CHECK (position = (idx << (level + 1)) + (1 << level) - 1)
) STRICT;
CREATE TRIGGER merkle_tree_refuse_update BEFORE UPDATE ON merkle_tree
BEGIN SELECT RAISE(ABORT, 'merkle nodes are append-only'); END;
CREATE TRIGGER merkle_tree_refuse_delete BEFORE DELETE ON merkle_tree
BEGIN SELECT RAISE(ABORT, 'merkle nodes are append-only'); END;

-- The levels a long-lived reader keeps in memory (ledger/merkle_store.h, MerkleNodeCache, from
-- level 6 up: 1 node in 64), each loaded by one range scan. A node at level 6 or above is
-- completed once per 64 leaves, so this index gains a row about once per 32 appends.
CREATE INDEX merkle_tree_upper_levels ON merkle_tree (level, idx, hash) WHERE level >= 6;

-- The copy sorts about two nodes per entry into position order, in temporary files (migrate()
-- runs every migration with temp_store = FILE): SQLITE_TMPDIR, else /var/tmp or /tmp, about
-- 1 GiB at 10,000,000 entries.
INSERT INTO merkle_tree (position, level, idx, hash)
  SELECT (idx << (level + 1)) + (1 << level) - 1, level, idx, hash FROM merkle_nodes
  ORDER BY 1;
DROP TABLE merkle_nodes;
