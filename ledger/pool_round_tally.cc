// Funding-round payouts from a tally, on top of the largest-remainder split. No storage.
#include "ledger/pool_round_tally.h"

#include <algorithm>

#include "ledger/largest_remainder.h"

namespace pardner::ledger {

std::string_view wire_name(RoundRule rule) {
  switch (rule) {
    case RoundRule::winner_takes_all:
      return "winner_takes_all";
    case RoundRule::proportional:
      return "proportional";
  }
  return "unknown";
}

std::optional<RoundRule> round_rule_from(std::string_view name) {
  for (RoundRule rule : {RoundRule::winner_takes_all, RoundRule::proportional}) {
    if (wire_name(rule) == name) return rule;
  }
  return std::nullopt;
}

std::string_view wire_name(RoundTieBreak tie_break) {
  switch (tie_break) {
    case RoundTieBreak::first_listed:
      return "first_listed";
    case RoundTieBreak::split_equally:
      return "split_equally";
  }
  return "unknown";
}

std::optional<RoundTieBreak> round_tie_break_from(std::string_view name) {
  for (RoundTieBreak tie : {RoundTieBreak::first_listed, RoundTieBreak::split_equally}) {
    if (wire_name(tie) == name) return tie;
  }
  return std::nullopt;
}

Result<std::vector<RoundPayout>> round_payout(const RoundRules& rules, Minor amount,
                                              std::vector<CandidateVotes> tally) {
  if (amount < 0 || amount > json_amount_max) {
    return Error{Errc::invalid_argument, "a round amount must be 0..json_amount_max"};
  }
  if (tally.empty()) return Error{Errc::invalid_argument, "a round has no candidates"};
  std::sort(tally.begin(), tally.end(), [](const CandidateVotes& a, const CandidateVotes& b) {
    return a.candidate < b.candidate;
  });
  std::int64_t total = 0;
  for (const CandidateVotes& c : tally) {
    if (c.votes < 0) return Error{Errc::invalid_argument, "negative votes"};
    if (__builtin_add_overflow(total, c.votes, &total)) {
      return Error{Errc::overflow, "votes sum past INT64_MAX"};
    }
  }
  std::vector<RoundPayout> payouts;
  for (const CandidateVotes& c : tally) payouts.push_back({c.candidate, 0});
  if (total == 0 || amount == 0) return payouts;

  __extension__ typedef __int128 Wide;
  std::vector<SplitWeight> eligible;
  for (const CandidateVotes& c : tally) {
    if (c.votes == 0) continue;
    if (rules.min_share_bps &&
        static_cast<Wide>(c.votes) * 10'000 < static_cast<Wide>(*rules.min_share_bps) * total) {
      continue;
    }
    eligible.push_back({c.candidate, c.votes, rules.cap_minor});
  }
  if (eligible.empty()) return payouts;
  if (rules.rule == RoundRule::winner_takes_all) {
    std::int64_t top = 0;
    for (const SplitWeight& e : eligible) top = std::max(top, e.weight);
    std::vector<SplitWeight> winners;
    for (const SplitWeight& e : eligible) {
      if (e.weight == top) winners.push_back({e.key, 1, rules.cap_minor});
    }
    // Eligible is in candidate order, so the first winner is the one listed first.
    if (rules.tie_break == RoundTieBreak::first_listed) winners.resize(1);
    eligible = std::move(winners);
  }
  auto split = split_largest_remainder(amount, eligible);
  if (!split) return split.error();
  for (const SplitShare& share : split.value().shares) {
    for (RoundPayout& payout : payouts) {
      if (payout.candidate == share.key) payout.amount_minor = share.amount;
    }
  }
  return payouts;
}

}  // namespace pardner::ledger
