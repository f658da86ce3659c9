// Every account as of the writer's latest commit, in memory, so that reading one
// (GET /v1/accounts/{id}) needs no SQLite at all.
//
// A read from here must never show an older account than a read from SQLite that someone has
// already seen. So the writer runs `publication` like a sequence lock around each commit that
// changes accounts:
//   1. before the commit becomes visible to any other connection, it turns odd (begin(), from
//      the wal-index barrier: ledger/wal_index_watch.h), after the WAL's fsync;
//   2. the commit becomes visible in SQLite;
//   3. the writer stores the changed accounts here, and it turns even again (publish()),
//      before anyone is answered.
// A request that finds it even when it begins has seen no commit these accounts lack: any commit
// it or anyone before it could have seen was visible before it began, so it was published
// before the value went even. A request that finds it odd reads SQLite, as before. The odd
// window is step 2 and the copy of step 3: microseconds a commit, where the commit's fsync is
// hundreds.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ledger/error.h"
#include "ledger/sqlite.h"
#include "ledger/types.h"

namespace pardner::ledger {

// An account a commit changed: its row after the commit, or nullopt when the row is gone.
using AccountChange = std::pair<AccountId, std::optional<Account>>;

class PublishedAccounts {
 public:
  // At most this many accounts are held; the rest are read from SQLite (about 200 bytes each).
  static constexpr std::size_t accounts_max = 1'000'000;

  // Even: what is held is every account as the latest visible commit left it. Odd: a commit
  // may be visible that it does not show yet; also before load() and after disable().
  std::uint64_t publication() const { return publication_.load(); }
  // The account as last published; nullopt when it is not held (beyond accounts_max, or not
  // loaded). Only meaningful to a request that found publication() even when it began.
  std::optional<Account> find(AccountId id) const;
  std::size_t size() const;

  // The writer's side, on its thread.
  // Every account (up to accounts_max), read in `db` while nothing else writes; then even.
  Result<Ok> load(Database& db);
  // Odd, if it is not already: a commit that changes accounts is about to become visible.
  void begin();
  // Stores the changes and turns even. false, changing nothing, when begin() was not called
  // since the last publish: the commit became visible without the barrier, so memory cannot be
  // trusted to follow SQLite; the caller then disables it.
  bool publish(std::vector<AccountChange> changes);
  // Odd for good: every read goes to SQLite (after a storage failure, or a missed barrier).
  void disable();
  bool disabled() const { return disabled_.load(); }

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<AccountId, Account> accounts_;
  std::atomic<std::uint64_t> publication_{1};
  std::atomic<bool> disabled_{false};
};

}  // namespace pardner::ledger
