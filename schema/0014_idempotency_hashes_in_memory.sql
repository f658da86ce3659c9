-- Pardner schema 14: the idempotency key hashes are held in the writer's memory, no longer in
-- a table ordered by hash.
--
-- Schema 9 added each key to idempotency_keys(key_hash, id) in sorted runs of 65,536. A run
-- lands its random hashes in nearly every leaf of that table, so each key cost a share of a page
-- rewrite that grew with the table: about 300 bytes at 1,000,000 keys, about 2.2 KB at
-- 10,000,000, and a run took the writer about 155 ms of every 60,000 transfers with 1,000,000
-- stored (docs/performance.md, "Idempotency hashes in memory"). The writer now loads every
-- row's key_hash and id from `idempotency` at start, about 16 bytes of memory a key, and adds
-- each new row's as it inserts it. The rows of `idempotency` were, and stay, the record.

DROP TABLE idempotency_keys;
DROP TABLE idempotency_runs;
