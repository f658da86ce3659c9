// Reads of the funding-round tables (schema/0007_pools.sql) for the round commands, the
// projection and readers, and the list of rounds the writer should close. Never writes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ledger/error.h"
#include "ledger/pool_round_commands.h"
#include "ledger/sqlite.h"

namespace pardner::ledger {

struct Round {
  RoundId id = 0;
  PoolId pool = 0;
  std::optional<Minor> amount_minor;  // none: the pool's available balance at closing
  Timestamp voting_start = 0;
  Timestamp voting_end = 0;
  RoundRules rules;
  std::int64_t votes_per_member = 1;
  bool candidates_may_self_vote = false;
  bool closed = false;
  Seq opened_seq = 0;
  std::optional<Seq> closed_seq;
  std::optional<Minor> paid_minor;
  std::optional<TransactionId> transaction;
  std::vector<RoundCandidate> candidates;     // numbered 1..n by position
  std::vector<std::optional<Minor>> payouts;  // per candidate, once closed
};

// not_found when the id names nothing.
Result<Round> load_round(Database& db, RoundId id);
// Votes per candidate from the ballots in force, every candidate 1..candidate_count included.
Result<std::vector<CandidateVotes>> load_round_tally(Database& db, RoundId id,
                                                     std::int64_t candidate_count);
// A member's ballot in force (empty if none) and the seq of its entry.
struct Ballot {
  std::optional<Seq> seq;
  std::vector<VoteFor> lines;  // by candidate
};
Result<Ballot> load_ballot(Database& db, RoundId id, MemberId member);
// How many members have a ballot in force.
Result<std::int64_t> count_ballots(Database& db, RoundId id);

// The writer-issued closes due at `now`: open rounds whose window has ended, oldest end first,
// at most `limit`. The server calls this periodically with the writer clock's time and submits
// what it returns; a close that is refused (an emptied pool) stays due and is tried again.
Result<std::vector<CloseRound>> rounds_due_to_close(Database& db, Timestamp now, std::size_t limit);

}  // namespace pardner::ledger
