// The dividend plan (ledger/dividend_plan.h states the rules). Every figure comes from the
// postings' running totals at or before as_of_seq, so replay, which builds the same tables
// entry by entry, computes the same plan as the writer did.
#include "ledger/dividend_plan.h"

#include <map>
#include <unordered_map>

#include "ledger/largest_remainder.h"
#include "ledger/limits.h"
#include "ledger/money.h"
#include "ledger/state.h"

namespace pardner::ledger {
namespace {

// Wide enough for a share total (< 2^63) times a rate (<= 10,000).
__extension__ typedef __int128 Wide;

Result<Minor> amount_of(const DividendInputs& inputs, Minor total_shares) {
  if (inputs.amount_minor) return *inputs.amount_minor;
  PARDNER_ASSERT(inputs.rate_bps.has_value());
  // Rounded down: the rate's total is floor(total_shares * rate_bps / 10,000).
  Wide amount = static_cast<Wide>(total_shares) * *inputs.rate_bps / 10'000;
  if (amount < 1 || amount > json_amount_max) {
    return Error{Errc::invalid_argument, "a rate of " + std::to_string(*inputs.rate_bps) +
                                             " bps of " + std::to_string(total_shares) +
                                             " shares gives an amount outside 1.." +
                                             std::to_string(json_amount_max)};
  }
  return static_cast<Minor>(amount);
}

// The lines: share accounts with a positive balance as of the seq, by account id.
Result<std::vector<DividendLine>> share_lines(Database& db, const DividendInputs& inputs) {
  Statement& query = db.cached(
      "SELECT id, member_id FROM accounts WHERE type = 'equity' AND member_id IS NOT NULL"
      " AND currency = ?1 AND opened_seq <= ?2 AND substr(code, 1, length(?3)) = ?3"
      " ORDER BY id");
  query.bind(1, std::string_view(inputs.currency))
      .bind(2, inputs.as_of_seq)
      .bind(3, std::string_view(inputs.share_prefix));
  std::vector<std::pair<AccountId, MemberId>> accounts;
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) break;
    accounts.emplace_back(query.column_int(0), query.column_int(1));
  }
  query.reset();
  std::vector<DividendLine> lines;
  std::unordered_map<MemberId, AccountId> holder;
  for (const auto& [account, member] : accounts) {
    auto shares = credit_balance_as_of(db, account, inputs.as_of_seq);
    if (!shares) return shares.error();
    if (shares.value() < 0) {
      return Error{Errc::invalid_argument, "share account " + std::to_string(account) +
                                               " has a negative balance as of seq " +
                                               std::to_string(inputs.as_of_seq)};
    }
    if (shares.value() == 0) continue;
    auto [first, inserted] = holder.emplace(member, account);
    if (!inserted) {
      return Error{Errc::invalid_argument,
                   "member " + std::to_string(member) + " holds shares in accounts " +
                       std::to_string(first->second) + " and " + std::to_string(account)};
    }
    if (lines.size() == dividend_share_accounts_max) {
      return Error{Errc::invalid_argument, "a dividend pays at most " +
                                               std::to_string(dividend_share_accounts_max) +
                                               " share accounts"};
    }
    lines.push_back({account, member, shares.value(), account, 0, -1});
  }
  return lines;
}

// Each line's payout account under the payout prefix: the member's one open liability or equity
// account of the currency whose code starts with it.
Result<Ok> find_payout_accounts(Database& db, const DividendInputs& inputs,
                                std::vector<DividendLine>& lines) {
  Statement& query = db.cached(
      "SELECT id, member_id FROM accounts WHERE member_id IS NOT NULL AND status = 'open'"
      " AND type IN ('liability', 'equity') AND currency = ?1"
      " AND substr(code, 1, length(?2)) = ?2 ORDER BY id");
  query.bind(1, std::string_view(inputs.currency)).bind(2, std::string_view(*inputs.payout_prefix));
  std::unordered_map<MemberId, std::vector<AccountId>> by_member;
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) break;
    by_member[query.column_int(1)].push_back(query.column_int(0));
  }
  query.reset();
  for (DividendLine& line : lines) {
    auto found = by_member.find(line.member);
    if (found == by_member.end()) {
      return Error{Errc::not_found, "member " + std::to_string(line.member) +
                                        " has no open account under " + *inputs.payout_prefix};
    }
    if (found->second.size() > 1) {
      return Error{Errc::invalid_argument, "member " + std::to_string(line.member) + " has " +
                                               std::to_string(found->second.size()) +
                                               " open accounts under " + *inputs.payout_prefix};
    }
    line.payout_account = found->second.front();
  }
  return Ok{};
}

}  // namespace

Result<Minor> credit_balance_as_of(Database& db, AccountId account, Seq seq) {
  auto totals = posted_totals_as_of(db, account, seq);
  if (!totals) return totals.error();
  return checked_sub(totals.value().credits, totals.value().debits);
}

Result<DividendPlan> plan_dividend(Database& db, const DividendInputs& inputs) {
  PARDNER_ASSERT(inputs.amount_minor.has_value() != inputs.rate_bps.has_value());
  auto lines = share_lines(db, inputs);
  if (!lines) return lines.error();
  DividendPlan plan;
  plan.lines = std::move(lines.value());
  for (const DividendLine& line : plan.lines) {
    auto total = checked_add(plan.total_shares, line.shares);
    if (!total) return total.error();
    plan.total_shares = total.value();
  }
  if (plan.total_shares == 0) {
    return Error{Errc::invalid_argument, "no share account under " + inputs.share_prefix +
                                             " holds shares as of seq " +
                                             std::to_string(inputs.as_of_seq)};
  }
  auto amount = amount_of(inputs, plan.total_shares);
  if (!amount) return amount.error();
  plan.amount_minor = amount.value();
  if (inputs.payout_prefix) {
    if (auto found = find_payout_accounts(db, inputs, plan.lines); !found) return found.error();
  }
  for (const DividendLine& line : plan.lines) {
    if (line.share_account == inputs.source_account ||
        line.payout_account == inputs.source_account) {
      return Error{Errc::invalid_argument,
                   "the source is member " + std::to_string(line.member) + "'s account"};
    }
  }

  std::vector<SplitWeight> weights;
  weights.reserve(plan.lines.size());
  for (const DividendLine& line : plan.lines) {
    weights.push_back({line.share_account, line.shares, std::nullopt});
  }
  auto split = split_largest_remainder(plan.amount_minor, weights);
  if (!split) return split.error();
  PARDNER_ASSERT(split.value().unallocated == 0);  // no caps
  PARDNER_ASSERT(split.value().shares.size() == plan.lines.size());
  // Both are in share account order, so the i-th share is the i-th line's.
  for (std::size_t i = 0; i < plan.lines.size(); ++i) {
    PARDNER_ASSERT(split.value().shares[i].key == plan.lines[i].share_account);
    plan.lines[i].amount_minor = split.value().shares[i].amount;
  }

  // Transactions: payouts in share account order, at most dividend_payouts_per_transaction_max
  // each, the source debited first with the transaction's total.
  std::vector<Posting>* current = nullptr;
  for (DividendLine& line : plan.lines) {
    if (line.amount_minor == 0) continue;
    if (current == nullptr || current->size() > dividend_payouts_per_transaction_max) {
      plan.transactions.push_back({{inputs.source_account, 0}});
      current = &plan.transactions.back();
    }
    current->push_back({line.payout_account, -line.amount_minor});
    current->front().amount = add_in_range(current->front().amount, line.amount_minor);
    line.transaction_index = static_cast<std::int64_t>(plan.transactions.size()) - 1;
  }
  return plan;
}

}  // namespace pardner::ledger
