// Pool entries onto the pool tables. The money of each pool entry is an earlier transaction
// entry of the same command; the postings it made are checked here against what the pool entry
// says they must be, so a pool entry cannot name some other transaction.
#include "ledger/pool_projection.h"

#include <algorithm>
#include <boost/json.hpp>

#include "ledger/pool_store.h"
#include "ledger/state.h"

namespace pardner::ledger {
namespace {

Error mismatch(const Entry& entry, const std::string& what) {
  return Error{Errc::invalid_argument, std::string(wire_name(entry.kind)) + " at seq " +
                                           std::to_string(entry.seq) + ": " + what};
}

// The posted postings of `transaction`, as (account, amount) sorted, against `expected` sorted.
Result<Ok> expect_postings(Database& db, const Entry& entry, TransactionId transaction,
                           std::vector<Posting> expected) {
  auto rows = load_transaction_postings(db, transaction, false);
  if (!rows) return rows.error();
  std::vector<Posting> actual;
  for (const PostingRow& row : rows.value()) actual.push_back({row.account, row.amount});
  auto order = [](const Posting& a, const Posting& b) {
    return a.account != b.account ? a.account < b.account : a.amount < b.amount;
  };
  std::sort(actual.begin(), actual.end(), order);
  std::sort(expected.begin(), expected.end(), order);
  if (actual != expected) {
    return mismatch(entry, "transaction " + std::to_string(transaction) +
                               " does not move the money the entry states");
  }
  return Ok{};
}

Result<std::vector<DistributionLine>> split_field(const boost::json::object& fields) {
  const auto* value = fields.if_contains("split");
  if (value == nullptr || !value->is_array()) {
    return Error{Errc::invalid_argument, "missing split array"};
  }
  std::vector<DistributionLine> lines;
  for (const auto& element : value->get_array()) {
    if (!element.is_object()) return Error{Errc::invalid_argument, "split line is not an object"};
    auto account = int_field(element.get_object(), "account");
    auto bps = int_field(element.get_object(), "bps");
    auto amount = int_field(element.get_object(), "amount");
    if (!account) return account.error();
    if (!bps) return bps.error();
    if (!amount) return amount.error();
    lines.push_back({account.value(), bps.value(), amount.value()});
  }
  return lines;
}

}  // namespace

Result<Ok> apply_pool_created(Database& db, const Entry& entry) {
  const auto& f = entry.fields;
  auto pool = int_field(f, "pool");
  auto account = int_field(f, "account");
  auto currency = string_field(f, "currency");
  auto description = string_field(f, "description");
  if (!pool) return pool.error();
  if (!account) return account.error();
  if (!currency) return currency.error();
  if (!description) return description.error();
  return db
      .cached(
          "INSERT INTO pools (id, currency, account_id, description, created_seq)"
          " VALUES (?, ?, ?, ?, ?)")
      .bind(1, pool.value())
      .bind(2, std::string_view(currency.value()))
      .bind(3, account.value())
      .bind(4, std::string_view(description.value()))
      .bind(5, entry.seq)
      .run();
}

Result<Ok> apply_pool_contributed(Database& db, const Entry& entry) {
  const auto& f = entry.fields;
  auto pool_id = int_field(f, "pool");
  auto transaction = int_field(f, "transaction");
  auto source = int_field(f, "source_account");
  auto amount = int_field(f, "amount");
  auto by = int_field(f, "by");
  for (const auto* field : {&pool_id, &transaction, &source, &amount, &by}) {
    if (!*field) return field->error();
  }
  auto kind = string_field(f, "source_kind");
  auto reason = string_field(f, "reason");
  auto contributor = optional_int_field(f, "contributor_member");
  if (!kind) return kind.error();
  if (!reason) return reason.error();
  if (!contributor) return contributor.error();
  auto pool = load_pool(db, pool_id.value());
  if (!pool) return pool.error();
  if (amount.value() < 1) return mismatch(entry, "amount is not positive");
  auto money =
      expect_postings(db, entry, transaction.value(),
                      {{source.value(), amount.value()}, {pool.value().account, -amount.value()}});
  if (!money) return money;
  return db
      .cached(
          "INSERT INTO pool_contributions (pool_id, seq, transaction_id, source_account,"
          " source_kind, amount_minor, contributor_member, reason, by_token)"
          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, pool_id.value())
      .bind(2, entry.seq)
      .bind(3, transaction.value())
      .bind(4, source.value())
      .bind(5, std::string_view(kind.value()))
      .bind(6, amount.value())
      .bind(7, contributor.value())
      .bind(8, std::string_view(reason.value()))
      .bind(9, by.value())
      .run();
}

Result<Ok> apply_pool_policy_set(Database& db, const Entry& entry) {
  const auto& f = entry.fields;
  auto pool = int_field(f, "pool");
  auto version = int_field(f, "version");
  if (!pool) return pool.error();
  if (!version) return version.error();
  const auto* shares = f.if_contains("shares");
  if (shares == nullptr || !shares->is_array()) return mismatch(entry, "missing shares array");
  // Versions count up from 1 with no gap, so "the policy in force" has one meaning.
  std::int64_t expected = 1;
  auto current = load_current_policy(db, pool.value());
  if (current) {
    expected = current.value().version + 1;
  } else if (current.error().code != Errc::not_found) {
    return current.error();
  }
  if (version.value() != expected) return mismatch(entry, "policy version out of sequence");
  auto inserted = db.cached("INSERT INTO pool_policies (pool_id, version, seq) VALUES (?, ?, ?)")
                      .bind(1, pool.value())
                      .bind(2, version.value())
                      .bind(3, entry.seq)
                      .run();
  if (!inserted) return inserted;
  std::int64_t idx = 0;
  std::int64_t total = 0;
  for (const auto& element : shares->get_array()) {
    if (!element.is_object()) return mismatch(entry, "share is not an object");
    auto name = string_field(element.get_object(), "name");
    auto account = int_field(element.get_object(), "account");
    auto bps = int_field(element.get_object(), "bps");
    if (!name) return name.error();
    if (!account) return account.error();
    if (!bps) return bps.error();
    if (bps.value() < 1 || bps.value() > 10'000) return mismatch(entry, "share bps out of range");
    total += bps.value();
    auto share = db.cached(
                       "INSERT INTO pool_policy_shares (pool_id, version, idx, name, account_id,"
                       " bps) VALUES (?, ?, ?, ?, ?, ?)")
                     .bind(1, pool.value())
                     .bind(2, version.value())
                     .bind(3, idx++)
                     .bind(4, std::string_view(name.value()))
                     .bind(5, account.value())
                     .bind(6, bps.value())
                     .run();
    if (!share) return share;
  }
  if (total != 10'000) return mismatch(entry, "shares do not sum to 10000 bps");
  return Ok{};
}

// The split is recomputed from the policy version the entry names and its amount; the entry's
// own split and the transaction's postings must both equal it.
Result<Ok> apply_pool_distributed(Database& db, const Entry& entry) {
  const auto& f = entry.fields;
  auto id = int_field(f, "distribution");
  auto pool_id = int_field(f, "pool");
  auto version = int_field(f, "policy_version");
  auto amount = int_field(f, "amount");
  auto transaction = int_field(f, "transaction");
  for (const auto* field : {&id, &pool_id, &version, &amount, &transaction}) {
    if (!*field) return field->error();
  }
  auto recorded = split_field(f);
  if (!recorded) return recorded.error();
  auto pool = load_pool(db, pool_id.value());
  if (!pool) return pool.error();
  auto policy = load_policy(db, pool_id.value(), version.value());
  if (!policy) return policy.error();
  auto current = load_current_policy(db, pool_id.value());
  if (!current) return current.error();
  if (current.value().version != version.value()) {
    return mismatch(
        entry, "policy version " + std::to_string(version.value()) + " was not the one in force");
  }
  auto computed = policy_split(policy.value(), amount.value());
  if (!computed) return mismatch(entry, computed.error().detail);
  if (computed.value() != recorded.value()) {
    return mismatch(entry, "the recorded split differs from the policy's largest-remainder split");
  }
  std::vector<Posting> expected{{pool.value().account, amount.value()}};
  for (const DistributionLine& line : computed.value()) {
    if (line.amount_minor != 0) expected.push_back({line.account, -line.amount_minor});
  }
  if (auto money = expect_postings(db, entry, transaction.value(), expected); !money) {
    return money;
  }
  auto inserted = db.cached(
                        "INSERT INTO pool_distributions (id, pool_id, policy_version, amount_minor,"
                        " transaction_id, seq) VALUES (?, ?, ?, ?, ?, ?)")
                      .bind(1, id.value())
                      .bind(2, pool_id.value())
                      .bind(3, version.value())
                      .bind(4, amount.value())
                      .bind(5, transaction.value())
                      .bind(6, entry.seq)
                      .run();
  if (!inserted) return inserted;
  for (const DistributionLine& line : computed.value()) {
    auto done = db.cached(
                      "INSERT INTO pool_distribution_lines (distribution_id, account_id, bps,"
                      " amount_minor) VALUES (?, ?, ?, ?)")
                    .bind(1, id.value())
                    .bind(2, line.account)
                    .bind(3, line.bps)
                    .bind(4, line.amount_minor)
                    .run();
    if (!done) return done;
  }
  return Ok{};
}

}  // namespace pardner::ledger
