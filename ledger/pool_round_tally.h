// The payout of a funding round from its tally: pure, so the command that closes a round and the
// projection that replays it compute it the same way from the votes in the log.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "ledger/error.h"
#include "ledger/money.h"

namespace pardner::ledger {

enum class RoundRule : std::uint8_t { winner_takes_all, proportional };
std::string_view wire_name(RoundRule rule);
std::optional<RoundRule> round_rule_from(std::string_view name);

// How equal top tallies are settled under winner_takes_all: the candidate listed first (the
// lowest candidate number) takes it all, or the tied candidates split it equally by largest
// remainder (leftover units to the lower numbers). Proportional rounds always break remainder
// ties by the lower candidate number.
enum class RoundTieBreak : std::uint8_t { first_listed, split_equally };
std::string_view wire_name(RoundTieBreak tie_break);
std::optional<RoundTieBreak> round_tie_break_from(std::string_view name);

struct RoundRules {
  RoundRule rule = RoundRule::winner_takes_all;
  RoundTieBreak tie_break = RoundTieBreak::first_listed;
  std::optional<Minor> cap_minor;             // most any one project may receive
  std::optional<std::int64_t> min_share_bps;  // of all votes cast, to receive anything
};

struct CandidateVotes {
  std::int64_t candidate = 0;  // 1..n, the order the round listed them
  std::int64_t votes = 0;
  friend bool operator==(const CandidateVotes&, const CandidateVotes&) = default;
};

struct RoundPayout {
  std::int64_t candidate = 0;
  Minor amount_minor = 0;
  friend bool operator==(const RoundPayout&, const RoundPayout&) = default;
};

// One payout per candidate of `tally` (every candidate, with 0 votes too), by candidate number.
// Candidates below the minimum share (votes * 10,000 < min_share_bps * total) get nothing and
// do not count as winners. winner_takes_all: the most-voted eligible candidate gets the amount
// (ties by `tie_break`); proportional: largest remainder over the eligible candidates' votes.
// The cap holds in both; a proportional round redistributes what a capped candidate cannot take
// (ledger/largest_remainder.h), and money nobody may take stays in the pool. No votes, or no
// eligible candidate: every payout is 0. Refusals: invalid_argument (amount, an empty tally,
// negative votes), overflow (votes summing past INT64_MAX).
Result<std::vector<RoundPayout>> round_payout(const RoundRules& rules, Minor amount,
                                              std::vector<CandidateVotes> tally);

}  // namespace pardner::ledger
