// Where a ledger lives on disk and how it is created and opened: DIR/ledger.db, migrated to the
// newest schema on open. Creation never overwrites an existing ledger.
#pragma once

#include <string>

#include "ledger/error.h"
#include "ledger/settings.h"

namespace pardner::ledger {

class LedgerLock;  // ledger/ledger_lock.h

std::string database_path(const std::string& data_dir);

// Creates DIR if needed (mode 0700) and a new ledger in it: the database, the log signing
// key (named for the log origin; sealed if a passphrase is in the environment or
// `passphrase_file`), the empty log's checkpoint, and the first admin token, written to
// DIR/admin.token (mode 0600) and returned so it can be shown once. Refuses with
// already_exists when DIR already holds a ledger; invalid_argument for a bad name, currency,
// origin or value-date window.
Result<std::string> init_ledger(const std::string& data_dir, Settings settings,
                                const std::string& passphrase_file = {});

std::string admin_token_path(const std::string& data_dir);

// Opens an existing ledger, applies any newer migrations (schema_too_new if the file is from
// a newer Pardner), and returns its settings. not_found when DIR holds no ledger.
// Migrating needs the ledger to itself: when migrations are pending this takes DIR's lock for
// them, and refuses with unavailable, naming the holder and leaving the file as it was, while
// a server or a restore holds it (a newer binary's CLI run beside an older server).
Result<Settings> open_ledger(const std::string& data_dir);
// The same for a process that holds the lock already (`held`: DIR's, or that of the ledger
// directory DIR lies in, as for a restore's staging copy).
Result<Settings> open_ledger(const std::string& data_dir, const LedgerLock& held);

}  // namespace pardner::ledger
