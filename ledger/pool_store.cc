// Pool rows from the derived tables. Column lists sit beside the code that reads them.
#include "ledger/pool_store.h"

#include "ledger/state.h"

namespace pardner::ledger {
namespace {

Result<std::vector<PolicyShare>> load_shares(Database& db, PoolId pool, std::int64_t version) {
  Statement& query = db.cached(
      "SELECT name, account_id, bps FROM pool_policy_shares WHERE pool_id = ? AND version = ?"
      " ORDER BY idx");
  query.bind(1, pool).bind(2, version);
  std::vector<PolicyShare> shares;
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) break;
    shares.push_back({query.column_text(0), query.column_int(1), query.column_int(2)});
  }
  query.reset();
  return shares;
}

Result<PolicyVersion> policy_at(Database& db, PoolId pool, std::int64_t version, Seq seq) {
  auto shares = load_shares(db, pool, version);
  if (!shares) return shares.error();
  return PolicyVersion{pool, version, seq, std::move(shares.value())};
}

}  // namespace

Result<Pool> load_pool(Database& db, PoolId id) {
  Statement& query = db.cached(
      "SELECT id, currency, account_id, description, created_seq FROM pools WHERE id = ?");
  query.bind(1, id);
  auto row = query.step();
  if (!row) return row.error();
  if (!row.value()) return Error{Errc::not_found, "no pool " + std::to_string(id)};
  Pool pool{query.column_int(0), query.column_text(1), query.column_int(2), query.column_text(3),
            query.column_int(4)};
  query.reset();
  return pool;
}

Result<PolicyVersion> load_current_policy(Database& db, PoolId pool) {
  Statement& query = db.cached(
      "SELECT version, seq FROM pool_policies WHERE pool_id = ? ORDER BY version DESC LIMIT 1");
  query.bind(1, pool);
  auto row = query.step();
  if (!row) return row.error();
  if (!row.value()) {
    return Error{Errc::not_found, "pool " + std::to_string(pool) + " has no allocation policy"};
  }
  std::int64_t version = query.column_int(0);
  Seq seq = query.column_int(1);
  query.reset();
  return policy_at(db, pool, version, seq);
}

Result<PolicyVersion> load_policy(Database& db, PoolId pool, std::int64_t version) {
  Statement& query = db.cached("SELECT seq FROM pool_policies WHERE pool_id = ? AND version = ?");
  query.bind(1, pool).bind(2, version);
  auto row = query.step();
  if (!row) return row.error();
  if (!row.value()) {
    return Error{Errc::not_found, "pool " + std::to_string(pool) + " has no policy version " +
                                      std::to_string(version)};
  }
  Seq seq = query.column_int(0);
  query.reset();
  return policy_at(db, pool, version, seq);
}

Result<std::vector<PolicyVersion>> load_policy_history(Database& db, PoolId pool) {
  auto query =
      db.prepare("SELECT version, seq FROM pool_policies WHERE pool_id = ? ORDER BY version");
  if (!query) return query.error();
  query.value().bind(1, pool);
  std::vector<std::pair<std::int64_t, Seq>> versions;
  while (true) {
    auto row = query.value().step();
    if (!row) return row.error();
    if (!row.value()) break;
    versions.emplace_back(query.value().column_int(0), query.value().column_int(1));
  }
  std::vector<PolicyVersion> history;
  for (const auto& [version, seq] : versions) {
    auto policy = policy_at(db, pool, version, seq);
    if (!policy) return policy.error();
    history.push_back(std::move(policy.value()));
  }
  return history;
}

Result<std::vector<Contribution>> load_pool_contributions(Database& db, PoolId pool) {
  auto query = db.prepare(
      "SELECT pool_id, seq, transaction_id, source_account, source_kind, amount_minor,"
      " contributor_member, reason, by_token FROM pool_contributions WHERE pool_id = ?"
      " ORDER BY seq");
  if (!query) return query.error();
  Statement& q = query.value();
  q.bind(1, pool);
  std::vector<Contribution> contributions;
  while (true) {
    auto row = q.step();
    if (!row) return row.error();
    if (!row.value()) break;
    contributions.push_back({q.column_int(0), q.column_int(1), q.column_int(2), q.column_int(3),
                             q.column_text(4), q.column_int(5), q.column_optional_int(6),
                             q.column_text(7), q.column_int(8)});
  }
  return contributions;
}

Result<std::vector<Distribution>> load_pool_distributions(Database& db, PoolId pool) {
  auto query = db.prepare(
      "SELECT id, pool_id, policy_version, amount_minor, transaction_id, seq"
      " FROM pool_distributions WHERE pool_id = ? ORDER BY id");
  if (!query) return query.error();
  Statement& q = query.value();
  q.bind(1, pool);
  std::vector<Distribution> distributions;
  while (true) {
    auto row = q.step();
    if (!row) return row.error();
    if (!row.value()) break;
    distributions.push_back({q.column_int(0),
                             q.column_int(1),
                             q.column_int(2),
                             q.column_int(3),
                             q.column_int(4),
                             q.column_int(5),
                             {}});
  }
  for (Distribution& d : distributions) {
    Statement& lines = db.cached(
        "SELECT account_id, bps, amount_minor FROM pool_distribution_lines"
        " WHERE distribution_id = ? ORDER BY account_id");
    lines.bind(1, d.id);
    while (true) {
      auto row = lines.step();
      if (!row) return row.error();
      if (!row.value()) break;
      d.lines.push_back({lines.column_int(0), lines.column_int(1), lines.column_int(2)});
    }
    lines.reset();
  }
  return distributions;
}

Result<Minor> pool_available(Database& db, const Pool& pool) {
  auto account = load_account(db, pool.account);
  if (!account) return account.error();
  const Account& a = account.value();
  return lowest_possible_balance(a.type, a.debits_posted, a.credits_posted, a.debits_pending,
                                 a.credits_pending);
}

Result<std::vector<DistributionLine>> policy_split(const PolicyVersion& policy, Minor amount) {
  std::vector<SplitWeight> weights;
  weights.reserve(policy.shares.size());
  for (const PolicyShare& share : policy.shares) {
    weights.push_back({share.account, share.bps, std::nullopt});
  }
  auto split = split_largest_remainder(amount, weights);
  if (!split) return split.error();
  PARDNER_ASSERT(split.value().unallocated == 0);  // no caps
  std::vector<DistributionLine> lines;
  for (const SplitShare& share : split.value().shares) {
    std::int64_t bps = 0;
    for (const PolicyShare& s : policy.shares) {
      if (s.account == share.key) bps = s.bps;
    }
    lines.push_back({share.key, bps, share.amount});
  }
  return lines;
}

}  // namespace pardner::ledger
