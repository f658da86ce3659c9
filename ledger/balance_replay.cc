// The money rules of ledger/projection.cc over maps in memory. Refusals use the projection's
// codes and words where the projection has its own; where it relies on a table's constraint
// (an account or transaction id used twice, a reversal of no transaction) they are this file's.
#include "ledger/balance_replay.h"

#include <algorithm>
#include <utility>

#include "crypto/invariant.h"

namespace pardner::ledger {

Result<Ok> BalanceReplay::apply(const Entry& entry) {
  switch (entry.kind) {
    case EntryKind::account_opened:
      return open_account(entry);
    case EntryKind::account_closed:
      return close_account(entry);
    case EntryKind::transaction:
      return apply_transaction(entry);
    case EntryKind::pending_posted:
      return resolve_pending(entry, TransactionStatus::posted);
    case EntryKind::pending_voided:
      return resolve_pending(entry, TransactionStatus::voided);
    case EntryKind::pending_expired:
      return resolve_pending(entry, TransactionStatus::expired);
    // No money moves in these by themselves (see the header).
    case EntryKind::member_created:
    case EntryKind::member_status_changed:
    case EntryKind::account_floor_changed:
    case EntryKind::loan_fund_created:
    case EntryKind::loan_product_created:
    case EntryKind::loan_applied:
    case EntryKind::loan_approved:
    case EntryKind::loan_rejected:
    case EntryKind::loan_withdrawn:
    case EntryKind::loan_disbursed:
    case EntryKind::loan_repaid:
    case EntryKind::loan_late_fee_charged:
    case EntryKind::loan_writeoff_approved:
    case EntryKind::loan_written_off:
    case EntryKind::loan_recovered:
    case EntryKind::pool_created:
    case EntryKind::pool_contributed:
    case EntryKind::pool_policy_set:
    case EntryKind::pool_distributed:
    case EntryKind::round_opened:
    case EntryKind::round_vote_cast:
    case EntryKind::round_closed:
    case EntryKind::dividend_declared:
      return Ok{};
  }
  return Error{Errc::invalid_argument, "unknown entry kind"};
}

Result<Ok> BalanceReplay::open_account(const Entry& entry) {
  auto account = int_field(entry.fields, "account");
  auto currency = string_field(entry.fields, "currency");
  if (!account) return account.error();
  if (!currency) return currency.error();
  auto [index, added] = currency_index_.try_emplace(
      currency.value(), static_cast<std::uint32_t>(currency_index_.size()));
  if (added) currencies_.push_back(currency.value());
  if (!accounts_.try_emplace(account.value(), AccountTotals{.currency = index->second}).second) {
    return Error{Errc::invalid_argument,
                 "account " + std::to_string(account.value()) + " opened twice"};
  }
  return Ok{};
}

Result<Ok> BalanceReplay::close_account(const Entry& entry) {
  auto account = int_field(entry.fields, "account");
  if (!account) return account.error();
  if (!accounts_.contains(account.value())) {
    return Error{Errc::not_found, "account_closed names nothing"};
  }
  return Ok{};
}

Result<Ok> BalanceReplay::apply_transaction(const Entry& entry) {
  auto transaction = int_field(entry.fields, "transaction");
  auto phase = string_view_field(entry.fields, "phase");
  auto reverses = optional_int_field(entry.fields, "reverses");
  auto postings = postings_from_json(entry.fields);
  if (!transaction) return transaction.error();
  if (!phase) return phase.error();
  if (!reverses) return reverses.error();
  if (!postings) return postings.error();
  const bool pending = phase.value() == "pending";
  if (!pending && phase.value() != "posted") return Error{Errc::invalid_argument, "bad phase"};
  auto [state, added] = transactions_.try_emplace(
      transaction.value(),
      TransactionState{pending ? TransactionStatus::pending : TransactionStatus::posted});
  if (!added) {
    return Error{Errc::invalid_argument,
                 "transaction " + std::to_string(transaction.value()) + " appears twice"};
  }
  if (reverses.value()) {
    auto reversed = transactions_.find(*reverses.value());
    if (reversed == transactions_.end()) {
      return Error{Errc::not_found, "reversal of transaction " +
                                        std::to_string(*reverses.value()) + ", not in the log"};
    }
    if (reversed->second.reversed || reversed->second.status != TransactionStatus::posted) {
      return Error{Errc::already_reversed, "reversal of a reversed entry"};
    }
    reversed->second.reversed = true;
  }
  auto applied = apply_postings(postings.value(), pending);
  if (!applied) return applied;
  if (pending) reservations_.emplace(transaction.value(), std::move(postings.value()));
  return Ok{};
}

Result<Ok> BalanceReplay::resolve_pending(const Entry& entry, TransactionStatus outcome) {
  auto transaction = int_field(entry.fields, "transaction");
  if (!transaction) return transaction.error();
  auto state = transactions_.find(transaction.value());
  if (state == transactions_.end() || state->second.status != TransactionStatus::pending) {
    return Error{Errc::not_pending, "resolution of a non-pending entry"};
  }
  state->second.status = outcome;
  auto reserved = reservations_.extract(transaction.value());
  PARDNER_ASSERT(!reserved.empty());
  for (const Posting& posting : reserved.mapped()) {
    AccountTotals& totals = accounts_.at(posting.account);
    auto released = remove_posting(totals.debits_pending, totals.credits_pending, posting.amount);
    if (!released) return released;
  }
  if (outcome != TransactionStatus::posted) return Ok{};
  auto postings = postings_from_json(entry.fields);
  if (!postings) return postings.error();
  return apply_postings(postings.value(), false);
}

Result<Ok> BalanceReplay::apply_postings(const std::vector<Posting>& postings, bool pending) {
  std::vector<std::pair<std::uint32_t, Minor>>& sums = sums_;
  sums.clear();
  for (const Posting& posting : postings) {
    if (posting.amount == 0) return Error{Errc::invalid_argument, "zero posting in the log"};
    auto found = accounts_.find(posting.account);
    if (found == accounts_.end()) {
      return Error{Errc::not_found, "no account " + std::to_string(posting.account)};
    }
    AccountTotals& totals = found->second;
    auto sum = std::find_if(sums.begin(), sums.end(),
                            [&](const auto& s) { return s.first == totals.currency; });
    if (sum == sums.end()) sum = sums.insert(sums.end(), {totals.currency, 0});
    auto net = checked_add(sum->second, posting.amount);
    if (!net) return net.error();
    sum->second = net.value();
    auto grown = pending ? add_posting(totals.debits_pending, totals.credits_pending, posting.amount)
                         : add_posting(totals.debits_posted, totals.credits_posted, posting.amount);
    if (!grown) return grown;
  }
  // In currency order, so the first named is the one the projection's sorted map names.
  std::sort(sums.begin(), sums.end(), [&](const auto& a, const auto& b) {
    return currencies_[a.first] < currencies_[b.first];
  });
  for (const auto& [currency, net] : sums) {
    if (net != 0) {
      return Error{Errc::unbalanced, "postings in " + currencies_[currency] + " do not sum to 0"};
    }
  }
  return Ok{};
}

Result<std::vector<TrialBalanceLine>> BalanceReplay::trial_balance() const {
  // TrialBalanceSum wants the accounts in currency order.
  std::vector<const AccountTotals*> ordered;
  ordered.reserve(accounts_.size());
  for (const auto& [id, totals] : accounts_) ordered.push_back(&totals);
  std::sort(ordered.begin(), ordered.end(), [&](const AccountTotals* a, const AccountTotals* b) {
    return currencies_[a->currency] < currencies_[b->currency];
  });
  TrialBalanceSum sum;
  for (const AccountTotals* totals : ordered) {
    auto added = sum.add(currencies_[totals->currency], totals->debits_posted,
                         totals->credits_posted);
    if (!added) return added.error();
  }
  return std::move(sum).lines();
}

}  // namespace pardner::ledger
