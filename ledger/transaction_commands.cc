// New transactions (posted or pending) and reversals. Guard order for a new transaction:
// invalid_argument (shape, memo, metadata, dates, timeout), then the posting guards
// (not_found, account_closed, unbalanced, overflow, insufficient_funds).
#include <boost/json.hpp>
#include <set>

#include "ledger/limits.h"
#include "ledger/operations.h"
#include "ledger/posting_checks.h"
#include "ledger/validation.h"

namespace pardner::ledger {
namespace {

Result<Ok> check_metadata(const std::vector<std::pair<std::string, std::string>>& metadata) {
  if (metadata.size() > metadata_entries_max) {
    return Error{Errc::invalid_argument,
                 "metadata has more than " + std::to_string(metadata_entries_max) + " entries"};
  }
  std::set<std::string_view> keys;
  for (const auto& [key, value] : metadata) {
    if (key.empty()) return Error{Errc::invalid_argument, "metadata key is empty"};
    if (auto ok = check_text("metadata key", key, metadata_key_bytes_max); !ok) return ok;
    if (auto ok = check_text("metadata value", value, metadata_value_bytes_max); !ok) return ok;
    if (!keys.insert(key).second) {
      return Error{Errc::invalid_argument, "metadata key " + key + " appears twice"};
    }
  }
  return Ok{};
}

Result<Ok> check_shape(const CreateTransaction& command, Timestamp now,
                       const Settings& settings) {
  if (auto ok = check_postings_shape(command.postings); !ok) return ok;
  if (auto ok = check_text("memo", command.memo, memo_bytes_max); !ok) return ok;
  if (auto ok = check_metadata(command.metadata); !ok) return ok;
  if (command.value_date) {
    if (auto ok = check_value_date(*command.value_date, now, settings); !ok) return ok;
  }
  if (command.timeout_seconds) {
    if (!command.pending) {
      return Error{Errc::invalid_argument, "timeout_seconds applies to pending transactions"};
    }
    if (*command.timeout_seconds < 1 || *command.timeout_seconds > pending_timeout_seconds_max) {
      return Error{Errc::invalid_argument,
                   "timeout_seconds must be 1.." + std::to_string(pending_timeout_seconds_max)};
    }
  }
  return Ok{};
}

}  // namespace

Result<Applied> apply(WriteTxn& txn, const CreateTransaction& command) {
  if (auto ok = check_shape(command, txn.now(), txn.settings()); !ok) return ok.error();
  if (auto ok = check_postings_against_accounts(txn, command.postings, command.pending); !ok) {
    return ok.error();
  }
  auto id = next_id(txn.db(), "SELECT max(id) FROM transactions");
  if (!id) return id.error();

  // Validated. From here on a failure is storage_failed.
  boost::json::object fields{
      {"transaction", id.value()},
      {"postings", postings_json(command.postings)},
      {"phase", command.pending ? "pending" : "posted"},
      {"memo", command.memo},
      {"value_date", format_date(command.value_date.value_or(date_of(txn.now())))},
      {"idempotency_key", command.idempotency_key}};
  if (!command.metadata.empty()) {
    boost::json::object metadata;
    for (const auto& [key, value] : command.metadata) metadata[key] = value;
    fields["metadata"] = std::move(metadata);
  }
  if (command.timeout_seconds) {
    fields["timeout"] = format_timestamp(txn.now() + *command.timeout_seconds * micros_per_second);
  }
  auto entry = txn.append(EntryKind::transaction, std::move(fields));
  if (!entry) return entry.error();
  return Applied{entry.value().seq, id.value()};
}

// A reversal is a new posted transaction with every posted amount of the original negated,
// naming the transaction and the entry it reverses. Each transaction is reversed at most once,
// and a reversal may itself be reversed (a correction of a correction).
Result<Applied> apply(WriteTxn& txn, const ReverseTransaction& command) {
  if (auto ok = check_text("memo", command.memo, memo_bytes_max); !ok) return ok.error();
  auto original = txn.transaction(command.transaction);
  if (!original) return original.error();
  if (original.value().status != TransactionStatus::posted) {
    return Error{Errc::not_posted,
                 "only posted transactions can be reversed; this one is " +
                     std::string(wire_name(original.value().status))};
  }
  if (original.value().reversed_by) {
    return Error{Errc::already_reversed, "transaction " + std::to_string(command.transaction) +
                                             " was reversed by transaction " +
                                             std::to_string(*original.value().reversed_by)};
  }
  auto posted = load_transaction_postings(txn.db(), command.transaction, false);
  if (!posted) return posted.error();
  PARDNER_ASSERT(posted.value().size() >= 2);
  std::vector<Posting> negated;
  for (const PostingRow& row : posted.value()) {
    auto amount = checked_negate(row.amount);
    if (!amount) return amount.error();
    negated.push_back({row.account, amount.value()});
  }
  Seq reversed_seq = original.value().resolved_seq.value_or(original.value().seq);
  if (auto ok = check_postings_against_accounts(txn, negated, false); !ok) return ok.error();
  auto id = next_id(txn.db(), "SELECT max(id) FROM transactions");
  if (!id) return id.error();

  // Validated. From here on a failure is storage_failed.
  boost::json::object fields{{"transaction", id.value()},
                             {"postings", postings_json(negated)},
                             {"phase", "posted"},
                             {"memo", command.memo},
                             {"value_date", format_date(date_of(txn.now()))},
                             {"reverses", command.transaction},
                             {"reverses_seq", reversed_seq},
                             {"idempotency_key", command.idempotency_key}};
  auto entry = txn.append(EntryKind::transaction, std::move(fields));
  if (!entry) return entry.error();
  return Applied{entry.value().seq, id.value()};
}

}  // namespace pardner::ledger
