// Pools: creating one, contributions, allocation policies and distributions. Money moves in
// ordinary transactions made here through CreateTransaction's own apply (so floors, closed
// accounts and overflow are the transaction machinery's guards); each command's pool entry
// follows the transaction entry it made and names it. The projection recomputes a distribution's
// split from the recorded policy version and amount (ledger/pool_projection.cc).
#include <boost/json.hpp>

#include "ledger/currency.h"
#include "ledger/limits.h"
#include "ledger/loan_store.h"
#include "ledger/operations.h"
#include "ledger/pool_store.h"
#include "ledger/validation.h"

namespace pardner::ledger {
namespace {

boost::json::value optional_id(const std::optional<std::int64_t>& id) {
  if (id) return *id;
  return nullptr;
}

bool credit_normal_holding(AccountType type) {
  return type == AccountType::equity || type == AccountType::liability;
}

Result<Account> open_account_in(WriteTxn& txn, AccountId id, const std::string& role,
                                const std::string& currency) {
  auto account = txn.account(id);
  if (!account) return account;
  if (account.value().closed) return Error{Errc::account_closed, role + " is closed"};
  if (account.value().currency != currency) {
    return Error{Errc::invalid_argument, role + " is not in " + currency};
  }
  return account;
}

Result<Ok> check_amount(std::string_view field, Minor amount) {
  if (amount < 1 || amount > json_amount_max) {
    return Error{Errc::invalid_argument, std::string(field) + " must be 1.." +
                                             std::to_string(json_amount_max) + " minor units"};
  }
  return Ok{};
}

// What kind of source an account is for a contribution: a member's account (a liability held
// for a member), an income account (an enterprise's profit) or an asset (cash-in clearing: the
// money received). Anything else is refused.
Result<std::string_view> source_kind(const Account& account) {
  if (account.type == AccountType::liability && account.member)
    return std::string_view("member_account");
  if (account.type == AccountType::income) return std::string_view("income");
  if (account.type == AccountType::asset) return std::string_view("clearing");
  return Error{Errc::invalid_argument,
               "source_account must be a member's account, an income account or a cash-in"
               " clearing (asset) account"};
}

// The contributor recorded: the source account's member, or for a source without one, the
// member an admin names (if any). Members act only from their own accounts.
Result<std::optional<MemberId>> check_contributor(WriteTxn& txn, const Contribute& command,
                                                  const Principal& actor, const Account& source) {
  if (actor.role == Role::auditor) return Error{Errc::not_permitted, "auditors change nothing"};
  if (actor.role == Role::member && (!source.member || source.member != actor.member)) {
    return Error{Errc::not_permitted, "a member contributes only from an account of their own"};
  }
  if (source.member) {
    if (command.contributor && command.contributor != source.member) {
      return Error{Errc::invalid_argument, "contributor is not the source account's member"};
    }
    return std::optional<MemberId>{source.member};
  }
  if (!command.contributor) return std::optional<MemberId>{};
  auto status = load_member_status(txn.db(), *command.contributor);
  if (!status) return status.error();
  return std::optional<MemberId>{command.contributor};
}

Result<Ok> check_policy_shares(WriteTxn& txn, const SetAllocationPolicy& command,
                               const Pool& pool) {
  if (command.shares.empty() || command.shares.size() > pool_policy_shares_max) {
    return Error{Errc::invalid_argument,
                 "a policy has 1.." + std::to_string(pool_policy_shares_max) + " shares"};
  }
  std::int64_t total = 0;
  for (const PolicyShare& share : command.shares) {
    if (auto ok = check_text("share name", share.name, pool_text_bytes_max); !ok) return ok;
    if (share.bps < 1 || share.bps > 10'000) {
      return Error{Errc::invalid_argument, "a share's bps must be 1..10000"};
    }
    total += share.bps;  // at most 32 * 10,000: no overflow
  }
  if (total != 10'000) {
    return Error{Errc::invalid_argument,
                 "the shares sum to " + std::to_string(total) + " bps, not 10000"};
  }
  for (std::size_t i = 0; i < command.shares.size(); ++i) {
    const PolicyShare& share = command.shares[i];
    const std::string role = "share " + std::to_string(i) + "'s account";
    auto account = open_account_in(txn, share.account, role, pool.currency);
    if (!account) return account.error();
    if (!credit_normal_holding(account.value().type)) {
      return Error{Errc::invalid_argument, role + " must be an equity or liability account"};
    }
    if (share.account == pool.account) {
      return Error{Errc::invalid_argument, role + " is the pool's own account"};
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (command.shares[j].account == share.account) {
        return Error{Errc::invalid_argument, role + " is also share " + std::to_string(j) + "'s"};
      }
    }
  }
  return Ok{};
}

}  // namespace

// Guard order: not_permitted (actor) -> invalid_argument (currency, description) -> the pool
// account: not_found, account_closed, invalid_argument (currency, type) -> already_exists.
Result<Applied> apply(WriteTxn& txn, const CreatePool& command) {
  auto admin = load_admin(txn.db(), command.actor);
  if (!admin) return admin.error();
  if (!find_currency(command.currency)) {
    return Error{Errc::invalid_argument, "unknown currency " + command.currency};
  }
  if (auto ok = check_text("description", command.description, pool_text_bytes_max); !ok) {
    return ok.error();
  }
  auto account = open_account_in(txn, command.pool_account, "pool_account", command.currency);
  if (!account) return account.error();
  if (!credit_normal_holding(account.value().type)) {
    return Error{Errc::invalid_argument, "pool_account must be an equity or liability account"};
  }
  Statement& taken = txn.db().cached("SELECT id FROM pools WHERE account_id = ?");
  taken.bind(1, command.pool_account);
  auto row = taken.step();
  if (!row) return row.error();
  bool exists = row.value();
  taken.reset();
  if (exists) return Error{Errc::already_exists, "pool_account is already a pool's account"};
  auto id = next_id(txn.db(), "SELECT max(id) FROM pools");
  if (!id) return id.error();

  // Validated. From here on a failure is storage_failed.
  auto entry =
      txn.append(EntryKind::pool_created, {{"pool", id.value()},
                                           {"currency", command.currency},
                                           {"account", command.pool_account},
                                           {"description", command.description},
                                           {"admin", command.actor},
                                           {"admin_member", optional_id(admin.value().member)},
                                           {"idempotency_key", command.idempotency_key}});
  if (!entry) return entry.error();
  return Applied{entry.value().seq, id.value()};
}

// Guard order: not_permitted (unknown token) -> invalid_argument (amount, reason) -> not_found
// (pool) -> the source account: not_found, account_closed, invalid_argument (currency, the pool
// itself, kind) -> not_permitted (auditor, another member's account) -> invalid_argument /
// not_found (contributor) -> the transaction's own guards (the source's floor: insufficient_funds).
Result<Applied> apply(WriteTxn& txn, const Contribute& command) {
  auto actor = load_actor(txn.db(), command.actor);
  if (!actor) return actor.error();
  if (auto ok = check_amount("amount", command.amount_minor); !ok) return ok.error();
  if (auto ok = check_text("reason", command.reason, pool_text_bytes_max); !ok) return ok.error();
  auto pool = load_pool(txn.db(), command.pool);
  if (!pool) return pool.error();
  auto source =
      open_account_in(txn, command.source_account, "source_account", pool.value().currency);
  if (!source) return source.error();
  if (command.source_account == pool.value().account) {
    return Error{Errc::invalid_argument, "source_account is the pool's own account"};
  }
  auto kind = source_kind(source.value());
  if (!kind) return kind.error();
  auto contributor = check_contributor(txn, command, actor.value(), source.value());
  if (!contributor) return contributor.error();

  CreateTransaction money{.idempotency_key = command.idempotency_key,
                          .postings = {{command.source_account, command.amount_minor},
                                       {pool.value().account, -command.amount_minor}},
                          .memo = "contribution to pool " + std::to_string(command.pool),
                          .metadata = {{"pool", std::to_string(command.pool)}}};
  auto moved = apply(txn, money);
  if (!moved) return moved.error();

  // Validated, money moved. From here on a failure is storage_failed.
  auto entry = txn.append(EntryKind::pool_contributed,
                          {{"pool", command.pool},
                           {"transaction", moved.value().id},
                           {"transaction_seq", moved.value().seq},
                           {"source_account", command.source_account},
                           {"source_kind", kind.value()},
                           {"amount", command.amount_minor},
                           {"contributor_member", optional_id(contributor.value())},
                           {"reason", command.reason},
                           {"by", command.actor},
                           {"by_member", optional_id(actor.value().member)},
                           {"idempotency_key", command.idempotency_key}});
  if (!entry) return entry.error();
  return Applied{entry.value().seq, moved.value().id};
}

// Guard order: not_permitted -> not_found (pool) -> invalid_argument (count, names, bps, their
// sum) -> per share: not_found, account_closed, invalid_argument (currency, type, the pool's own
// account, an account twice).
Result<Applied> apply(WriteTxn& txn, const SetAllocationPolicy& command) {
  auto admin = load_admin(txn.db(), command.actor);
  if (!admin) return admin.error();
  auto pool = load_pool(txn.db(), command.pool);
  if (!pool) return pool.error();
  if (auto ok = check_policy_shares(txn, command, pool.value()); !ok) return ok.error();
  std::int64_t version = 1;
  auto current = load_current_policy(txn.db(), command.pool);
  if (current) {
    version = current.value().version + 1;
  } else if (current.error().code != Errc::not_found) {
    return current.error();
  }

  // Validated. From here on a failure is storage_failed.
  boost::json::array shares;
  for (const PolicyShare& share : command.shares) {
    shares.push_back(
        boost::json::object{{"name", share.name}, {"account", share.account}, {"bps", share.bps}});
  }
  auto entry =
      txn.append(EntryKind::pool_policy_set, {{"pool", command.pool},
                                              {"version", version},
                                              {"shares", std::move(shares)},
                                              {"admin", command.actor},
                                              {"admin_member", optional_id(admin.value().member)},
                                              {"idempotency_key", command.idempotency_key}});
  if (!entry) return entry.error();
  return Applied{entry.value().seq, version};
}

// Guard order: not_permitted -> not_found (pool, then its policy) -> invalid_argument (amount)
// -> insufficient_funds (more than the pool's available balance, or an empty pool) -> the
// transaction's own guards (a share's account closed since the policy was set: account_closed).
Result<Applied> apply(WriteTxn& txn, const Distribute& command) {
  auto admin = load_admin(txn.db(), command.actor);
  if (!admin) return admin.error();
  auto pool = load_pool(txn.db(), command.pool);
  if (!pool) return pool.error();
  auto policy = load_current_policy(txn.db(), command.pool);
  if (!policy) return policy.error();
  if (command.amount_minor) {
    if (auto ok = check_amount("amount", *command.amount_minor); !ok) return ok.error();
  }
  auto available = pool_available(txn.db(), pool.value());
  if (!available) return available.error();
  Minor amount = command.amount_minor.value_or(available.value());
  if (amount < 1 || amount > available.value()) {
    return Error{Errc::insufficient_funds,
                 "the pool has " + std::to_string(available.value()) + " minor units available"};
  }
  if (amount > json_amount_max) {
    return Error{Errc::invalid_argument, "a distribution is at most json_amount_max"};
  }
  auto lines = policy_split(policy.value(), amount);
  if (!lines) return lines.error();
  auto id = next_id(txn.db(), "SELECT max(id) FROM pool_distributions");
  if (!id) return id.error();

  std::vector<Posting> postings{{pool.value().account, amount}};
  boost::json::array split;
  for (const DistributionLine& line : lines.value()) {
    if (line.amount_minor != 0) postings.push_back({line.account, -line.amount_minor});
    split.push_back(boost::json::object{
        {"account", line.account}, {"bps", line.bps}, {"amount", line.amount_minor}});
  }
  CreateTransaction money{.idempotency_key = command.idempotency_key,
                          .postings = std::move(postings),
                          .memo = "distribution " + std::to_string(id.value()) + " of pool " +
                                  std::to_string(command.pool),
                          .metadata = {{"pool", std::to_string(command.pool)},
                                       {"policy_version", std::to_string(policy.value().version)}}};
  auto moved = apply(txn, money);
  if (!moved) return moved.error();

  // Validated, money moved. From here on a failure is storage_failed.
  auto entry =
      txn.append(EntryKind::pool_distributed, {{"distribution", id.value()},
                                               {"pool", command.pool},
                                               {"policy_version", policy.value().version},
                                               {"amount", amount},
                                               {"whole_balance", !command.amount_minor.has_value()},
                                               {"split", std::move(split)},
                                               {"transaction", moved.value().id},
                                               {"transaction_seq", moved.value().seq},
                                               {"admin", command.actor},
                                               {"admin_member", optional_id(admin.value().member)},
                                               {"idempotency_key", command.idempotency_key}});
  if (!entry) return entry.error();
  return Applied{entry.value().seq, id.value()};
}

}  // namespace pardner::ledger
