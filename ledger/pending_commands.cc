// The second phase of two-phase transfers: post (in full or for less), void, and expiry by the
// writer. Posting for less can only raise balances relative to the reservation, so no floor can
// be broken here; the floor was checked when the amounts were reserved.
#include <boost/json.hpp>

#include "ledger/operations.h"
#include "ledger/validation.h"

namespace pardner::ledger {
namespace {

Result<TransactionRow> pending_transaction(WriteTxn& txn, TransactionId id) {
  auto transaction = txn.transaction(id);
  if (!transaction) return transaction.error();
  if (transaction.value().status != TransactionStatus::pending) {
    return Error{Errc::not_pending, "transaction " + std::to_string(id) + " is " +
                                        std::string(wire_name(transaction.value().status)) +
                                        ", not pending"};
  }
  return transaction;
}

// Postings to post: the reserved ones, or for a two-posting transaction the same pair scaled
// down to `amount` (at least 1, at most the reserved amount).
Result<std::vector<Posting>> postings_to_post(const std::vector<PostingRow>& reserved,
                                              const std::optional<Minor>& amount) {
  std::vector<Posting> postings;
  for (const PostingRow& row : reserved) postings.push_back({row.account, row.amount});
  if (!amount) return postings;
  if (postings.size() != 2) {
    return Error{Errc::invalid_argument,
                 "a partial amount can be posted only for a two-posting transaction"};
  }
  Minor reserved_amount = postings[0].amount > 0 ? postings[0].amount : postings[1].amount;
  if (*amount < 1 || *amount > reserved_amount) {
    return Error{Errc::invalid_argument,
                 "amount must be 1.." + std::to_string(reserved_amount) + " minor units"};
  }
  for (Posting& posting : postings) posting.amount = posting.amount > 0 ? *amount : -*amount;
  return postings;
}

// Closed accounts cannot receive the posting; the reservation must be voided instead.
Result<Ok> check_accounts_open(WriteTxn& txn, const std::vector<Posting>& postings) {
  for (const Posting& posting : postings) {
    auto account = txn.account(posting.account);
    if (!account) return account.error();
    if (account.value().closed) {
      return Error{Errc::account_closed, "account " + account.value().code + " is closed"};
    }
  }
  return Ok{};
}

Result<Applied> resolve(WriteTxn& txn, TransactionId id, EntryKind kind, std::string_view key) {
  auto transaction = pending_transaction(txn, id);
  if (!transaction) return transaction.error();

  // Validated. From here on a failure is storage_failed.
  boost::json::object fields{{"transaction", id}};
  if (!key.empty()) fields["idempotency_key"] = key;
  auto entry = txn.append(kind, std::move(fields));
  if (!entry) return entry.error();
  return Applied{entry.value().seq, id};
}

}  // namespace

Result<Applied> apply(WriteTxn& txn, const PostPending& command) {
  if (command.value_date) {
    auto ok = check_value_date(*command.value_date, txn.now(), txn.settings());
    if (!ok) return ok.error();
  }
  auto transaction = pending_transaction(txn, command.transaction);
  if (!transaction) return transaction.error();
  auto reserved = load_transaction_postings(txn.db(), command.transaction, true);
  if (!reserved) return reserved.error();
  auto postings = postings_to_post(reserved.value(), command.amount);
  if (!postings) return postings.error();
  if (auto ok = check_accounts_open(txn, postings.value()); !ok) return ok.error();

  // Validated. From here on a failure is storage_failed.
  Date value_date = command.value_date.value_or(date_of(txn.now()));
  auto entry = txn.append(EntryKind::pending_posted,
                          {{"transaction", command.transaction},
                           {"postings", postings_json(postings.value())},
                           {"value_date", format_date(value_date)},
                           {"idempotency_key", command.idempotency_key}});
  if (!entry) return entry.error();
  return Applied{entry.value().seq, command.transaction};
}

Result<Applied> apply(WriteTxn& txn, const VoidPending& command) {
  return resolve(txn, command.transaction, EntryKind::pending_voided, command.idempotency_key);
}

Result<Applied> apply(WriteTxn& txn, const ExpirePending& command) {
  auto transaction = pending_transaction(txn, command.transaction);
  if (!transaction) return transaction.error();
  if (!transaction.value().timeout || *transaction.value().timeout > txn.now()) {
    return Error{Errc::invalid_argument, "transaction has not reached its timeout"};
  }
  return resolve(txn, command.transaction, EntryKind::pending_expired, {});
}

}  // namespace pardner::ledger
