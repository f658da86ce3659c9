// The commands of community funding rounds on a pool: open, vote, close. Plain values; the actor
// token is checked by the writer against the stored tokens, so "only members vote, and only for
// themselves" is decided in ledger/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ledger/pool_commands.h"
#include "ledger/pool_round_tally.h"

namespace pardner::ledger {

using RoundId = std::int64_t;

// A project standing in the round: the member (or enterprise member) behind it, the account that
// receives its payout (an open equity or liability account of the pool's currency) and a
// description (a reference, not a name: it enters the log). Candidates are numbered 1..n in the
// order given.
struct RoundCandidate {
  MemberId member = 0;
  AccountId account = 0;
  std::string description;
};

// An admin opens a round on a pool. The amount is fixed now or, when absent, is the pool's
// available balance when the round closes. Votes count from voting_start (inclusive) to
// voting_end (exclusive), both writer times.
struct OpenRound {
  std::string idempotency_key;
  ActorToken actor = 0;  // an admin
  PoolId pool = 0;
  std::optional<Minor> amount_minor;
  std::vector<RoundCandidate> candidates;
  Timestamp voting_start = 0;
  Timestamp voting_end = 0;
  RoundRules rules;
  std::int64_t votes_per_member = 1;
  bool candidates_may_self_vote = false;
};

struct VoteFor {
  std::int64_t candidate = 0;  // 1..n
  std::int64_t votes = 0;      // >= 1
};

// A member's ballot: 1..votes_per_member votes spread over candidates. The actor must be a
// member token for an active member: an admin token, even one of a member, cannot vote (nobody
// votes on another's behalf). One ballot per member is in force: without `replace`, a member who
// has one is refused (already_voted), so a repeated first vote cannot silently change it; with
// `replace`, the new ballot replaces the one in force (its entry names it in replaces_seq), and
// with no ballot yet it is simply the first.
struct CastVote {
  std::string idempotency_key;
  ActorToken actor = 0;
  RoundId round = 0;
  std::vector<VoteFor> ballot;
  bool replace = false;
};

// Tallies the stored ballots and pays the winners from the pool in one transaction. By an admin
// once the window has ended, or issued by the writer itself (no actor) through
// rounds_due_to_close.
struct CloseRound {
  std::string idempotency_key;
  std::optional<ActorToken> actor;  // none: issued by the writer when the window ended
  RoundId round = 0;
};

}  // namespace pardner::ledger
