// Backup and restore of a ledger's database file: a consistent copy taken with SQLite's online
// backup API while a server may be writing, and a restore that accepts a copy only after the
// integrity check (ledger/integrity_check.h) has verified its whole signed log.
// Never copies or writes the signing key: a backup holds the database only (docs/reliability.md).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "ledger/error.h"
#include "ledger/integrity_check.h"
#include "ledger/signed_log.h"

namespace pardner::ledger {

// What a copy holds and what the integrity check found in it.
struct BackupSummary {
  IntegrityReport check;
  StoredCheckpoint checkpoint;  // the copy's latest checkpoint (its tree size, root, note)
  std::uint64_t bytes = 0;      // the copy's size on disk
  std::uint64_t steps = 0;      // sqlite3_backup_step calls it took
};

// Copies DIR's database to `out_file` in one read snapshot of the live file, in steps of a few
// pages (a WAL reader never blocks the writer; the snapshot only keeps the WAL from being reset
// past it). The copy is written beside `out_file` under a temporary name, fsynced, checked
// with the integrity check against DIR's verifier key, and renamed to `out_file` (then the
// directory is fsynced) only if the check finds nothing. A copy that fails its check is
// removed and returned with its problems (check.intact() is false). Refuses with
// already_exists if `out_file` exists, not_found if DIR holds no ledger, storage_failed when
// SQLite or the file system fails.
Result<BackupSummary> backup_ledger(const std::string& data_dir, const std::string& out_file);

struct RestoreOptions {
  // Replace a ledger DIR already holds (it is kept aside in DIR/replaced-<time>/).
  bool force = false;
  // A signed checkpoint the operator kept (its text): a backup whose log does not extend it
  // (an older or a different log) is refused.
  std::optional<std::string> since_checkpoint;
  // For tests: runs after the copy passed its check, just before the rename, while the
  // directory's lock is held.
  std::function<void()> before_rename_for_test;
};

struct RestoreSummary {
  BackupSummary backup;   // the restored copy, as checked
  bool restored = false;  // false: the check found problems (backup.check says which)
  std::optional<std::string> replaced_dir;  // where the ledger it replaced was moved
};

// Restores `backup_file` as DIR's ledger. DIR must already hold the log's verifier.key (and
// signing.key, for a server to run): a backup holds no keys, and the backup is verified against
// that key, so a copy signed by any other key is refused. The copy is checked in full before
// it replaces anything. DIR's lock (ledger/ledger_lock.h), the one `pardner serve` holds while
// it runs, is held from before the first check until the rename is synced, so a server cannot
// start in between. Refusals: not_found (no backup file, or no verifier key in DIR),
// unavailable (DIR's lock is held — a running server or another restore — or another process
// has DIR's ledger open; even with `force`), already_exists (DIR holds a ledger and `force` is
// not set), schema_too_new (a backup from a newer Pardner), storage_failed. A backup from an
// older Pardner is migrated.
Result<RestoreSummary> restore_ledger(const std::string& backup_file, const std::string& data_dir,
                                      const RestoreOptions& options = {});

}  // namespace pardner::ledger
