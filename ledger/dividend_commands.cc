// DeclareDividend: guards in the order ledger/dividend_commands.h's users see in docs/pools.md,
// then the commit point. The money moves in ordinary transactions made through
// CreateTransaction's own apply (floors, closed accounts and overflow are its guards), all
// appended by this one command, so the writer commits them in one SQLite transaction; the
// dividend_declared entry follows them and names them.
#include <boost/json.hpp>

#include "ledger/dividend_plan.h"
#include "ledger/limits.h"
#include "ledger/loan_store.h"
#include "ledger/operations.h"
#include "ledger/pool_store.h"
#include "ledger/validation.h"

namespace pardner::ledger {
namespace {

boost::json::value optional_value(const std::optional<std::int64_t>& value) {
  if (value) return *value;
  return nullptr;
}

Result<Ok> check_prefix(std::string_view field, std::string_view prefix) {
  if (prefix.empty() || prefix.size() > dividend_prefix_bytes_max) {
    return Error{Errc::invalid_argument, std::string(field) + " must be 1.." +
                                             std::to_string(dividend_prefix_bytes_max) + " bytes"};
  }
  for (char c : prefix) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == ':' || c == '_' || c == '.' || c == '-';
    if (!allowed) {
      return Error{Errc::invalid_argument,
                   std::string(field) + " may hold only the characters of account codes"};
    }
  }
  return Ok{};
}

Result<Seq> log_size(Database& db) {
  Statement& query = db.cached("SELECT coalesce(max(seq) + 1, 0) FROM entries");
  auto row = query.step();
  if (!row) return row.error();
  Seq size = query.column_int(0);
  query.reset();
  return size;
}

// The command's own arguments, in the order they are checked.
Result<Ok> check_arguments(Database& db, const DeclareDividend& command) {
  if (command.source_pool.has_value() == command.source_account.has_value()) {
    return Error{Errc::invalid_argument, "name exactly one of source_pool and source_account"};
  }
  if (command.amount_minor.has_value() == command.rate_bps.has_value()) {
    return Error{Errc::invalid_argument, "give exactly one of amount and rate_bps"};
  }
  if (command.amount_minor &&
      (*command.amount_minor < 1 || *command.amount_minor > json_amount_max)) {
    return Error{Errc::invalid_argument,
                 "amount must be 1.." + std::to_string(json_amount_max) + " minor units"};
  }
  if (command.rate_bps && (*command.rate_bps < 1 || *command.rate_bps > dividend_rate_bps_max)) {
    return Error{Errc::invalid_argument,
                 "rate_bps must be 1.." + std::to_string(dividend_rate_bps_max)};
  }
  if (auto ok = check_prefix("share_prefix", command.share_prefix); !ok) return ok;
  if (command.payout_prefix) {
    if (auto ok = check_prefix("payout_prefix", *command.payout_prefix); !ok) return ok;
    const std::string& payout = *command.payout_prefix;
    const std::string& share = command.share_prefix;
    // Nested prefixes would let a share account be a payout account too.
    if (payout.starts_with(share) || share.starts_with(payout)) {
      return Error{Errc::invalid_argument, "share_prefix and payout_prefix overlap"};
    }
  }
  auto size = log_size(db);
  if (!size) return size.error();
  if (command.as_of_seq < 0 || command.as_of_seq >= size.value()) {
    return Error{Errc::invalid_argument, "as_of_seq must be 0.." +
                                             std::to_string(size.value() - 1) +
                                             " (an entry already in the log)"};
  }
  return Ok{};
}

}  // namespace

// Guard order: not_permitted (not an admin) -> not_found (the source pool or account) ->
// invalid_argument (the arguments) -> the source: account_closed, invalid_argument (an account
// that is not income or equity, or is a pool's) -> the plan's refusals (invalid_argument,
// not_found for a member without a payout account) -> insufficient_funds (above the source's
// available balance) -> the transactions' own guards (a closed share account paid into:
// account_closed).
Result<Applied> apply(WriteTxn& txn, const DeclareDividend& command) {
  auto admin = load_admin(txn.db(), command.actor);
  if (!admin) return admin.error();
  std::optional<Pool> pool;
  std::optional<Account> source;
  if (command.source_pool) {
    auto found = load_pool(txn.db(), *command.source_pool);
    if (!found) return found.error();
    pool = found.value();
  } else if (command.source_account) {
    auto found = txn.account(*command.source_account);
    if (!found) return found.error();
    source = found.value();
  }
  if (auto ok = check_arguments(txn.db(), command); !ok) return ok.error();
  if (pool) {
    auto found = txn.account(pool->account);
    if (!found) return found.error();
    source = found.value();
  } else {
    if (source->type != AccountType::income && source->type != AccountType::equity) {
      return Error{Errc::invalid_argument, "source_account must be an income or equity account"};
    }
    Statement& query = txn.db().cached("SELECT id FROM pools WHERE account_id = ?");
    query.bind(1, source->id);
    auto row = query.step();
    if (!row) return row.error();
    bool is_pool = row.value();
    query.reset();
    if (is_pool) return Error{Errc::invalid_argument, "source_account is a pool's: name the pool"};
  }
  if (source->closed) return Error{Errc::account_closed, "the source account is closed"};

  DividendInputs inputs{.source_account = source->id,
                        .currency = source->currency,
                        .share_prefix = command.share_prefix,
                        .payout_prefix = command.payout_prefix,
                        .as_of_seq = command.as_of_seq,
                        .amount_minor = command.amount_minor,
                        .rate_bps = command.rate_bps};
  auto plan = plan_dividend(txn.db(), inputs);
  if (!plan) return plan.error();
  auto available =
      lowest_possible_balance(source->type, source->debits_posted, source->credits_posted,
                              source->debits_pending, source->credits_pending);
  if (!available) return available.error();
  if (plan.value().amount_minor > available.value()) {
    return Error{Errc::insufficient_funds, "the dividend is " +
                                               std::to_string(plan.value().amount_minor) +
                                               " minor units; the source has " +
                                               std::to_string(available.value()) + " available"};
  }
  auto id = next_id(txn.db(), "SELECT max(id) FROM dividends");
  if (!id) return id.error();

  boost::json::array transactions;
  const std::size_t parts = plan.value().transactions.size();
  for (std::size_t i = 0; i < parts; ++i) {
    CreateTransaction money{.idempotency_key = command.idempotency_key,
                            .postings = std::move(plan.value().transactions[i]),
                            .memo = "dividend " + std::to_string(id.value()) + ", part " +
                                    std::to_string(i + 1) + " of " + std::to_string(parts),
                            .metadata = {{"dividend", std::to_string(id.value())}}};
    auto moved = apply(txn, money);
    if (!moved) return moved.error();
    transactions.push_back(
        boost::json::object{{"transaction", moved.value().id}, {"seq", moved.value().seq}});
  }

  // Validated, money moved. From here on a failure is storage_failed.
  auto entry = txn.append(
      EntryKind::dividend_declared,
      {{"dividend", id.value()},
       {"source_pool", optional_value(command.source_pool)},
       {"source_account", source->id},
       {"currency", source->currency},
       {"share_prefix", command.share_prefix},
       {"payout_prefix", command.payout_prefix ? boost::json::value(*command.payout_prefix)
                                               : boost::json::value(nullptr)},
       {"as_of_seq", command.as_of_seq},
       {"rate_bps", optional_value(command.rate_bps)},
       {"amount", plan.value().amount_minor},
       {"total_shares", plan.value().total_shares},
       {"share_accounts", static_cast<std::int64_t>(plan.value().lines.size())},
       {"transactions", std::move(transactions)},
       {"admin", command.actor},
       {"admin_member", optional_value(admin.value().member)},
       {"idempotency_key", command.idempotency_key}});
  if (!entry) return entry.error();
  return Applied{entry.value().seq, id.value()};
}

}  // namespace pardner::ledger
