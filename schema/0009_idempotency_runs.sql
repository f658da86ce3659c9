-- Pardner schema 9: the idempotency key-hash index, kept in sorted runs instead of by SQLite on
-- every insert.
--
-- An index of random 64-bit hashes gets a new key at a random leaf: once it has more leaves than
-- a batch has keys, every key of a batch dirties a page of its own, which is written to the WAL
-- and copied back by a checkpoint (about 900 of a 1,000-transfer batch's 2,000 pages with
-- 200,000 keys stored). So the writer now keeps the keys of the newest rows in memory and adds
-- them to this table in one sorted run once there are enough of them: each leaf is dirtied once
-- per run instead of once per batch. The rows of `idempotency` stay the record; this table and
-- `idempotency_runs` say where to find them (docs/ledger.md, "Idempotency keys").

-- (key_hash, id) for every idempotency row up to the newest run's `through_id`. Append-only.
CREATE TABLE idempotency_keys (
  key_hash INTEGER NOT NULL,
  id INTEGER NOT NULL,
  PRIMARY KEY (key_hash, id)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER idempotency_keys_refuse_update BEFORE UPDATE ON idempotency_keys
BEGIN SELECT RAISE(ABORT, 'idempotency keys are permanent'); END;
CREATE TRIGGER idempotency_keys_refuse_delete BEFORE DELETE ON idempotency_keys
BEGIN SELECT RAISE(ABORT, 'idempotency keys are permanent'); END;

-- One row per run added to idempotency_keys: every idempotency row with an id up to
-- `through_id` is in it. Rows above the newest are the writer's to load at start. Append-only.
CREATE TABLE idempotency_runs (
  through_id INTEGER PRIMARY KEY,
  keys INTEGER NOT NULL CHECK (keys >= 0)
) STRICT;
CREATE TRIGGER idempotency_runs_refuse_update BEFORE UPDATE ON idempotency_runs
BEGIN SELECT RAISE(ABORT, 'idempotency runs are permanent'); END;
CREATE TRIGGER idempotency_runs_refuse_delete BEFORE DELETE ON idempotency_runs
BEGIN SELECT RAISE(ABORT, 'idempotency runs are permanent'); END;

INSERT INTO idempotency_keys (key_hash, id)
  SELECT key_hash, id FROM idempotency ORDER BY key_hash, id;
INSERT INTO idempotency_runs (through_id, keys)
  SELECT max(id), count(*) FROM idempotency HAVING count(*) > 0;
DROP INDEX idempotency_by_key_hash;
