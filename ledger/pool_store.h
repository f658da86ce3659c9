// Reads of the pool tables derived from the log (schema/0007_pools.sql), used by the pool
// commands inside the writer's transaction, by the projection and by readers. Never writes: the
// pool tables change only through ledger/pool_projection.cc.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ledger/error.h"
#include "ledger/largest_remainder.h"
#include "ledger/pool_commands.h"
#include "ledger/sqlite.h"

namespace pardner::ledger {

struct Pool {
  PoolId id = 0;
  std::string currency;
  AccountId account = 0;
  std::string description;
  Seq created_seq = 0;
};

struct PolicyVersion {
  PoolId pool = 0;
  std::int64_t version = 0;
  Seq seq = 0;
  std::vector<PolicyShare> shares;  // in the order the command gave them
};

struct DistributionLine {
  AccountId account = 0;
  std::int64_t bps = 0;
  Minor amount_minor = 0;
  friend bool operator==(const DistributionLine&, const DistributionLine&) = default;
};

struct Distribution {
  std::int64_t id = 0;
  PoolId pool = 0;
  std::int64_t policy_version = 0;
  Minor amount_minor = 0;
  TransactionId transaction = 0;
  Seq seq = 0;
  std::vector<DistributionLine> lines;  // by account id
};

struct Contribution {
  PoolId pool = 0;
  Seq seq = 0;
  TransactionId transaction = 0;
  AccountId source_account = 0;
  std::string source_kind;  // member_account, income or clearing
  Minor amount_minor = 0;
  std::optional<MemberId> contributor_member;
  std::string reason;
  ActorToken by_token = 0;
};

// not_found when the id names nothing.
Result<Pool> load_pool(Database& db, PoolId id);
// The policy version in force (the highest); not_found when the pool has none.
Result<PolicyVersion> load_current_policy(Database& db, PoolId pool);
Result<PolicyVersion> load_policy(Database& db, PoolId pool, std::int64_t version);
// Every version of the pool's policy, oldest first.
Result<std::vector<PolicyVersion>> load_policy_history(Database& db, PoolId pool);
Result<std::vector<Contribution>> load_pool_contributions(Database& db, PoolId pool);
Result<std::vector<Distribution>> load_pool_distributions(Database& db, PoolId pool);

// The pool's money no pending transaction could take: the pool account's balance with every
// pending amount that could lower it counted.
Result<Minor> pool_available(Database& db, const Pool& pool);

// The split of `amount` by `policy`: largest remainder over the shares' bps, keyed (and ties
// broken) by account id ascending. Pure; the command and the projection both call it, so a
// distribution in the log is recomputed from its recorded policy version and amount.
Result<std::vector<DistributionLine>> policy_split(const PolicyVersion& policy, Minor amount);

}  // namespace pardner::ledger
