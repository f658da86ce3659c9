// Read models of pools and funding rounds for the API to come: a pool with its balance and the
// policy in force, and a round with its tally. Computed from the derived tables on any
// connection; never writes. (Who may read which is the API's route table: members read rounds
// they may vote in, admins and auditors everything.)
#pragma once

#include <optional>
#include <vector>

#include "ledger/error.h"
#include "ledger/pool_round_store.h"
#include "ledger/pool_store.h"
#include "ledger/sqlite.h"

namespace pardner::ledger {

struct PoolReport {
  Pool pool;
  Minor balance_minor = 0;              // the pool account's posted balance, on its credit side
  Minor available_minor = 0;            // less pending amounts that could lower it
  std::optional<PolicyVersion> policy;  // in force; none before the first
  std::int64_t contribution_count = 0;
  Minor contributed_minor = 0;
  std::int64_t distribution_count = 0;
  Minor distributed_minor = 0;
};

Result<PoolReport> pool_report(Database& db, PoolId id);

struct RoundReport {
  Round round;
  std::vector<CandidateVotes> tally;  // from the ballots in force, every candidate
  std::int64_t ballot_count = 0;
  // Closed: what was paid. Open: what closing now would pay (the fixed amount, or the pool's
  // available balance now), so a voter sees where their vote goes.
  Minor amount_minor = 0;
  std::vector<RoundPayout> payouts;
};

Result<RoundReport> round_report(Database& db, RoundId id);

}  // namespace pardner::ledger
