// The published accounts: a map behind a shared mutex, and the publication counter beside it.
#include "ledger/published_accounts.h"

#include <mutex>
#include <string>

#include "ledger/state.h"

namespace pardner::ledger {

std::optional<Account> PublishedAccounts::find(AccountId id) const {
  std::shared_lock lock(mutex_);
  auto found = accounts_.find(id);
  if (found == accounts_.end()) return std::nullopt;
  return found->second;
}

std::size_t PublishedAccounts::size() const {
  std::shared_lock lock(mutex_);
  return accounts_.size();
}

Result<Ok> PublishedAccounts::load(Database& db) {
  auto rows = db.prepare("SELECT " + std::string(account_columns) + " FROM accounts ORDER BY id");
  if (!rows) return rows.error();
  std::unordered_map<AccountId, Account> loaded;
  while (loaded.size() < accounts_max) {
    auto row = rows.value().step();
    if (!row) return row.error();
    if (!row.value()) break;
    Account account = account_from_row(rows.value());
    loaded.emplace(account.id, std::move(account));
  }
  {
    std::unique_lock lock(mutex_);
    accounts_ = std::move(loaded);
  }
  if (!disabled_.load()) publication_.fetch_add(publication_.load() % 2 == 0 ? 2 : 1);
  return Ok{};
}

void PublishedAccounts::begin() {
  if (publication_.load() % 2 == 0) publication_.fetch_add(1);
}

bool PublishedAccounts::publish(std::vector<AccountChange> changes) {
  if (disabled_.load()) return true;
  if (publication_.load() % 2 == 0) return changes.empty();
  {
    std::unique_lock lock(mutex_);
    for (AccountChange& change : changes) {
      if (!change.second) {
        accounts_.erase(change.first);
      } else if (auto held = accounts_.find(change.first); held != accounts_.end()) {
        held->second = std::move(*change.second);
      } else if (accounts_.size() < accounts_max) {
        accounts_.emplace(change.first, std::move(*change.second));
      }
    }
  }
  // After the map: a request that finds the new even value finds these accounts too.
  publication_.fetch_add(1);
  return true;
}

void PublishedAccounts::disable() {
  disabled_.store(true);
  begin();
}

}  // namespace pardner::ledger
