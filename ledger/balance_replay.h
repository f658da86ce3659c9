// The balances-only replay behind `pardner verify --replay balances`: the log's money rules
// applied in memory, without the engine's projection or a scratch database. It keeps, per
// account, its currency and its posted and pending totals; per transaction, its status and
// whether it was reversed; per pending transaction, the amounts it reserved.
//
// What it checks, as the full replay does (ledger/projection.cc), with the same refusals:
// accounts are opened once and exist before a posting names them; a transaction's id is new;
// every posting is non-zero and its transaction sums to zero in each currency; totals never
// overflow; a reversal names a posted transaction not reversed before; only a pending
// transaction is posted, voided or expires, and its reservation is then released.
//
// What it does not: members, floors and closed accounts (the commands' guards, which the full
// replay does not re-run either), and the entries that move no money by themselves (loans,
// pools, rounds, dividends: money they move is in transaction entries of their own, so their
// balances are counted, but their own rules are the full replay's to check).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ledger/entry.h"
#include "ledger/error.h"
#include "ledger/state.h"

namespace pardner::ledger {

class BalanceReplay {
 public:
  // Applies one decoded entry; entries come in log order. Refusals carry the projection's
  // codes; the caller names the entry.
  Result<Ok> apply(const Entry& entry);

  // The trial balance per currency, as compute_trial_balance reads it from the accounts table.
  Result<std::vector<TrialBalanceLine>> trial_balance() const;

 private:
  struct AccountTotals {
    std::uint32_t currency = 0;  // index into currencies_
    Minor debits_posted = 0;
    Minor credits_posted = 0;
    Minor debits_pending = 0;
    Minor credits_pending = 0;
  };
  struct TransactionState {
    TransactionStatus status = TransactionStatus::posted;
    bool reversed = false;
  };

  Result<Ok> open_account(const Entry& entry);
  Result<Ok> close_account(const Entry& entry);
  Result<Ok> apply_transaction(const Entry& entry);
  Result<Ok> resolve_pending(const Entry& entry, TransactionStatus outcome);
  // Adds the postings to their accounts' posted or pending totals; each currency must net to 0.
  Result<Ok> apply_postings(const std::vector<Posting>& postings, bool pending);

  std::vector<std::string> currencies_;
  std::unordered_map<std::string, std::uint32_t> currency_index_;
  std::unordered_map<AccountId, AccountTotals> accounts_;
  std::unordered_map<TransactionId, TransactionState> transactions_;
  // What each pending transaction reserved, until it is posted, voided or expires.
  std::unordered_map<TransactionId, std::vector<Posting>> reservations_;
  // apply_postings' net per currency index for the transaction at hand (a transaction names
  // few currencies), kept between calls so a replay of millions allocates it once.
  std::vector<std::pair<std::uint32_t, Minor>> sums_;
};

}  // namespace pardner::ledger
