// Pool and round reports from the derived tables, with round_payout for an open round's
// projected payout (the same function the close and the replay use).
#include "ledger/pool_reports.h"

#include <algorithm>

#include "ledger/state.h"

namespace pardner::ledger {

Result<PoolReport> pool_report(Database& db, PoolId id) {
  auto pool = load_pool(db, id);
  if (!pool) return pool.error();
  PoolReport report;
  report.pool = pool.value();
  auto account = load_account(db, report.pool.account);
  if (!account) return account.error();
  auto balance = balance_of(account.value());
  if (!balance) return balance.error();
  report.balance_minor = balance.value().balance;
  auto available = pool_available(db, report.pool);
  if (!available) return available.error();
  report.available_minor = available.value();
  auto policy = load_current_policy(db, id);
  if (policy) {
    report.policy = std::move(policy.value());
  } else if (policy.error().code != Errc::not_found) {
    return policy.error();
  }
  auto contributions = load_pool_contributions(db, id);
  if (!contributions) return contributions.error();
  for (const Contribution& c : contributions.value()) {
    report.contribution_count += 1;
    report.contributed_minor = add_in_range(report.contributed_minor, c.amount_minor);
  }
  auto distributions = load_pool_distributions(db, id);
  if (!distributions) return distributions.error();
  for (const Distribution& d : distributions.value()) {
    report.distribution_count += 1;
    report.distributed_minor = add_in_range(report.distributed_minor, d.amount_minor);
  }
  return report;
}

Result<RoundReport> round_report(Database& db, RoundId id) {
  auto round = load_round(db, id);
  if (!round) return round.error();
  RoundReport report;
  report.round = std::move(round.value());
  const Round& r = report.round;
  auto tally = load_round_tally(db, id, static_cast<std::int64_t>(r.candidates.size()));
  if (!tally) return tally.error();
  report.tally = tally.value();
  auto ballots = count_ballots(db, id);
  if (!ballots) return ballots.error();
  report.ballot_count = ballots.value();
  if (r.closed) {
    report.amount_minor = r.paid_minor.value_or(0);
    for (std::size_t i = 0; i < r.payouts.size(); ++i) {
      report.payouts.push_back({static_cast<std::int64_t>(i + 1), r.payouts[i].value_or(0)});
    }
    return report;
  }
  Minor amount = 0;
  if (r.amount_minor) {
    amount = *r.amount_minor;
  } else {
    auto pool = load_pool(db, r.pool);
    if (!pool) return pool.error();
    auto available = pool_available(db, pool.value());
    if (!available) return available.error();
    amount = std::max<Minor>(available.value(), 0);
  }
  report.amount_minor = amount;
  auto payouts = round_payout(r.rules, amount, report.tally);
  if (!payouts) return payouts.error();
  report.payouts = std::move(payouts.value());
  return report;
}

}  // namespace pardner::ledger
