// The lock on a ledger directory that `pardner serve` holds for its whole run and `pardner
// restore` holds from its first check until the restored file is renamed into place and
// synced, so that neither starts while the other runs: DIR/ledger.lock, locked with flock(2).
// Never waits: a lock held elsewhere is refused at once, naming who holds it.
#pragma once

#include <string>
#include <string_view>

#include "ledger/error.h"

namespace pardner::ledger {

std::string lock_path(const std::string& data_dir);

class LedgerLock {
 public:
  // Takes DIR's lock (creating DIR/ledger.lock, mode 0600, if needed) and writes `holder` (what
  // takes it: "serve", "restore") with this process's id into the file, for the message another
  // process gets. Refuses with unavailable, naming the holder, when another open of the file
  // holds it (in this process too: flock locks belong to the open file description);
  // storage_failed when the file cannot be opened or locked.
  static Result<LedgerLock> acquire(const std::string& data_dir, std::string_view holder);

  LedgerLock(LedgerLock&& other) noexcept;
  LedgerLock& operator=(LedgerLock&& other) noexcept;
  LedgerLock(const LedgerLock&) = delete;
  LedgerLock& operator=(const LedgerLock&) = delete;
  // Releases the lock (closing the file releases it; the file stays for the next holder).
  ~LedgerLock();

 private:
  explicit LedgerLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace pardner::ledger
