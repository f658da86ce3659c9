// Posting guards. Sums use checked arithmetic even though each amount is at most 2^53 - 1,
// because 128 of them can still exceed what a careless int64 sum would hold in principle.
#include "ledger/posting_checks.h"

#include <map>
#include <set>
#include <string>

#include "ledger/limits.h"

namespace pardner::ledger {

Result<Ok> check_postings_shape(const std::vector<Posting>& postings) {
  if (postings.size() < 2) {
    return Error{Errc::invalid_argument, "a transaction needs at least two postings"};
  }
  if (postings.size() > postings_per_transaction_max) {
    return Error{Errc::invalid_argument, "a transaction has at most " +
                                             std::to_string(postings_per_transaction_max) +
                                             " postings"};
  }
  std::set<AccountId> seen;
  for (const Posting& posting : postings) {
    if (posting.amount == 0) return Error{Errc::invalid_argument, "a posting amount is zero"};
    if (posting.amount > json_amount_max || posting.amount < -json_amount_max) {
      return Error{Errc::invalid_argument, "a posting amount exceeds 2^53 - 1 minor units"};
    }
    if (!seen.insert(posting.account).second) {
      return Error{Errc::invalid_argument,
                   "account " + std::to_string(posting.account) + " appears twice"};
    }
  }
  return Ok{};
}

Result<Ok> check_postings_against_accounts(WriteTxn& txn, const std::vector<Posting>& postings,
                                           bool pending) {
  std::vector<Account> accounts;
  accounts.reserve(postings.size());
  for (const Posting& posting : postings) {
    auto account = txn.account(posting.account);
    if (!account) return account.error();
    accounts.push_back(std::move(account.value()));
  }
  for (const Account& account : accounts) {
    if (account.closed) {
      return Error{Errc::account_closed, "account " + account.code + " is closed"};
    }
  }
  std::map<std::string, Minor> sums;
  for (std::size_t i = 0; i < postings.size(); ++i) {
    auto sum = checked_add(sums[accounts[i].currency], postings[i].amount);
    if (!sum) return sum.error();
    sums[accounts[i].currency] = sum.value();
  }
  for (const auto& [currency, sum] : sums) {
    if (sum != 0) {
      return Error{Errc::unbalanced, "postings in " + currency + " sum to " +
                                         std::to_string(sum) + ", not 0"};
    }
  }
  // Overflow for every account first, then floors: a refusal names the most basic problem.
  std::vector<Account> after = accounts;
  for (std::size_t i = 0; i < postings.size(); ++i) {
    Account& a = after[i];
    auto grown = pending ? add_posting(a.debits_pending, a.credits_pending, postings[i].amount)
                         : add_posting(a.debits_posted, a.credits_posted, postings[i].amount);
    if (!grown) {
      return Error{Errc::overflow, "account " + a.code + " would exceed a 64-bit total"};
    }
    auto debits = checked_add(a.debits_posted, a.debits_pending);
    auto credits = checked_add(a.credits_posted, a.credits_pending);
    if (!debits || !credits || !balance_of(a)) {
      return Error{Errc::overflow, "account " + a.code + " would exceed a 64-bit balance"};
    }
  }
  for (std::size_t i = 0; i < postings.size(); ++i) {
    const Account& a = after[i];
    bool lowers = (postings[i].amount > 0) != is_debit_normal(a.type);
    if (!a.floor || !lowers) continue;
    auto lowest = lowest_possible_balance(a.type, a.debits_posted, a.credits_posted,
                                          a.debits_pending, a.credits_pending);
    if (!lowest) return Error{Errc::overflow, "account " + a.code + " balance overflows"};
    if (lowest.value() < *a.floor) {
      return Error{Errc::insufficient_funds,
                   "account " + a.code + " would fall to " + std::to_string(lowest.value()) +
                       ", below its floor of " + std::to_string(*a.floor)};
    }
  }
  return Ok{};
}

}  // namespace pardner::ledger
