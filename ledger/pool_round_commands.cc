// Funding rounds: opening one, members' ballots, and closing it, which tallies the ballots in
// force and pays the winners from the pool in one transaction made through CreateTransaction's
// own apply. The projection recomputes the tally from the ballots and the payout from the
// round's rules (ledger/pool_round_projection.cc), so the log alone determines both.
#include <algorithm>
#include <boost/json.hpp>

#include "ledger/limits.h"
#include "ledger/loan_store.h"
#include "ledger/operations.h"
#include "ledger/pool_round_store.h"
#include "ledger/pool_store.h"
#include "ledger/validation.h"

namespace pardner::ledger {
namespace {

boost::json::value optional_value(const std::optional<std::int64_t>& value) {
  if (value) return *value;
  return nullptr;
}

Result<Ok> check_round_shape(WriteTxn& txn, const OpenRound& command) {
  if (command.amount_minor &&
      (*command.amount_minor < 1 || *command.amount_minor > json_amount_max)) {
    return Error{Errc::invalid_argument, "amount must be 1..json_amount_max minor units"};
  }
  if (command.candidates.empty() || command.candidates.size() > round_candidates_max) {
    return Error{Errc::invalid_argument,
                 "a round has 1.." + std::to_string(round_candidates_max) + " candidates"};
  }
  if (command.voting_start >= command.voting_end) {
    return Error{Errc::invalid_argument, "voting_start must be before voting_end"};
  }
  if (command.voting_end <= txn.now()) {
    return Error{Errc::invalid_argument, "the voting window has already ended"};
  }
  const RoundRules& rules = command.rules;
  if (rules.cap_minor && (*rules.cap_minor < 1 || *rules.cap_minor > json_amount_max)) {
    return Error{Errc::invalid_argument, "cap must be 1..json_amount_max minor units"};
  }
  if (rules.min_share_bps && (*rules.min_share_bps < 1 || *rules.min_share_bps > 10'000)) {
    return Error{Errc::invalid_argument, "min_share_bps must be 1..10000"};
  }
  if (command.votes_per_member < 1 || command.votes_per_member > round_votes_per_member_max) {
    return Error{Errc::invalid_argument,
                 "votes_per_member must be 1.." + std::to_string(round_votes_per_member_max)};
  }
  return Ok{};
}

Result<Ok> check_candidates(WriteTxn& txn, const OpenRound& command, const Pool& pool) {
  for (std::size_t i = 0; i < command.candidates.size(); ++i) {
    const RoundCandidate& c = command.candidates[i];
    const std::string role = "candidate " + std::to_string(i + 1);
    if (auto ok = check_text("description", c.description, pool_text_bytes_max); !ok) return ok;
    auto member = load_member_status(txn.db(), c.member);
    if (!member) return member.error();
    auto account = txn.account(c.account);
    if (!account) return account.error();
    if (account.value().closed) return Error{Errc::account_closed, role + "'s account is closed"};
    AccountType type = account.value().type;
    if (account.value().currency != pool.currency ||
        (type != AccountType::equity && type != AccountType::liability) ||
        c.account == pool.account) {
      return Error{Errc::invalid_argument, role +
                                               "'s account must be an equity or liability"
                                               " account in " +
                                               pool.currency + " other than the pool"};
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (command.candidates[j].account == c.account) {
        return Error{Errc::invalid_argument,
                     role + "'s account is also candidate " + std::to_string(j + 1) + "'s"};
      }
    }
  }
  return Ok{};
}

// The voter: a live member token for an active member. Admin tokens never vote, not even an
// admin's who is a member, so no ballot is ever cast on someone else's behalf.
Result<MemberId> check_voter(WriteTxn& txn, ActorToken token) {
  auto actor = load_actor(txn.db(), token);
  if (!actor) return actor.error();
  if (actor.value().role != Role::member || !actor.value().member) {
    return Error{Errc::not_permitted, "only a member's own token may vote"};
  }
  MemberId member = *actor.value().member;
  auto status = load_member_status(txn.db(), member);
  if (!status) return status.error();
  if (status.value() != MemberStatus::active) {
    return Error{Errc::not_permitted, "member " + std::to_string(member) + " is " +
                                          std::string(wire_name(status.value()))};
  }
  return member;
}

Result<std::vector<VoteFor>> check_ballot(const CastVote& command, const Round& round,
                                          MemberId voter) {
  auto count = static_cast<std::int64_t>(round.candidates.size());
  if (command.ballot.empty() || command.ballot.size() > round.candidates.size()) {
    return Error{Errc::invalid_argument,
                 "a ballot names 1.." + std::to_string(count) + " candidates"};
  }
  std::vector<VoteFor> lines = command.ballot;
  std::sort(lines.begin(), lines.end(),
            [](const VoteFor& a, const VoteFor& b) { return a.candidate < b.candidate; });
  std::int64_t total = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const VoteFor& line = lines[i];
    if (line.candidate < 1 || line.candidate > count) {
      return Error{Errc::invalid_argument, "no candidate " + std::to_string(line.candidate)};
    }
    if (i > 0 && lines[i - 1].candidate == line.candidate) {
      return Error{Errc::invalid_argument,
                   "candidate " + std::to_string(line.candidate) + " appears twice"};
    }
    if (line.votes < 1 || line.votes > round.votes_per_member) {
      return Error{Errc::invalid_argument, "votes per line must be 1..votes_per_member"};
    }
    total += line.votes;  // at most 64 lines of at most 1,000 votes
  }
  if (total > round.votes_per_member) {
    return Error{Errc::invalid_argument, "the ballot spends " + std::to_string(total) +
                                             " votes; each member has " +
                                             std::to_string(round.votes_per_member)};
  }
  if (!round.candidates_may_self_vote) {
    for (const VoteFor& line : lines) {
      if (round.candidates[static_cast<std::size_t>(line.candidate - 1)].member == voter) {
        return Error{Errc::not_permitted, "candidates may not vote for themselves in this round"};
      }
    }
  }
  return lines;
}

}  // namespace

// Guard order: not_permitted (actor) -> not_found (pool) -> invalid_argument (amount, candidate
// count, window, cap, minimum share, votes per member) -> per candidate: invalid_argument
// (description), not_found (member, account), account_closed, invalid_argument (account kind,
// currency, the pool, repeated).
Result<Applied> apply(WriteTxn& txn, const OpenRound& command) {
  auto admin = load_admin(txn.db(), command.actor);
  if (!admin) return admin.error();
  auto pool = load_pool(txn.db(), command.pool);
  if (!pool) return pool.error();
  if (auto ok = check_round_shape(txn, command); !ok) return ok.error();
  if (auto ok = check_candidates(txn, command, pool.value()); !ok) return ok.error();
  auto id = next_id(txn.db(), "SELECT max(id) FROM pool_rounds");
  if (!id) return id.error();

  // Validated. From here on a failure is storage_failed.
  boost::json::array candidates;
  for (std::size_t i = 0; i < command.candidates.size(); ++i) {
    const RoundCandidate& c = command.candidates[i];
    candidates.push_back(boost::json::object{{"number", static_cast<std::int64_t>(i + 1)},
                                             {"member", c.member},
                                             {"account", c.account},
                                             {"description", c.description}});
  }
  const RoundRules& rules = command.rules;
  auto entry = txn.append(EntryKind::round_opened,
                          {{"round", id.value()},
                           {"pool", command.pool},
                           {"amount", optional_value(command.amount_minor)},
                           {"candidates", std::move(candidates)},
                           {"voting_start", format_timestamp(command.voting_start)},
                           {"voting_end", format_timestamp(command.voting_end)},
                           {"rule", wire_name(rules.rule)},
                           {"tie_break", wire_name(rules.tie_break)},
                           {"cap", optional_value(rules.cap_minor)},
                           {"min_share_bps", optional_value(rules.min_share_bps)},
                           {"votes_per_member", command.votes_per_member},
                           {"candidates_may_self_vote", command.candidates_may_self_vote},
                           {"admin", command.actor},
                           {"admin_member", optional_value(admin.value().member)},
                           {"idempotency_key", command.idempotency_key}});
  if (!entry) return entry.error();
  return Applied{entry.value().seq, id.value()};
}

// Guard order: not_permitted (not a member's own token, member not active) -> not_found (round)
// -> round_closed -> voting_not_open (before or after the window) -> invalid_argument (the
// ballot) -> not_permitted (a candidate voting for themself where the round forbids it) ->
// already_voted (a ballot in force and no `replace`).
Result<Applied> apply(WriteTxn& txn, const CastVote& command) {
  auto voter = check_voter(txn, command.actor);
  if (!voter) return voter.error();
  auto round = load_round(txn.db(), command.round);
  if (!round) return round.error();
  const Round& r = round.value();
  if (r.closed) return Error{Errc::round_closed, "the round is closed"};
  if (txn.now() < r.voting_start) {
    return Error{Errc::voting_not_open, "voting opens at " + format_timestamp(r.voting_start)};
  }
  if (txn.now() >= r.voting_end) {
    return Error{Errc::voting_not_open, "voting ended at " + format_timestamp(r.voting_end)};
  }
  auto lines = check_ballot(command, r, voter.value());
  if (!lines) return lines.error();
  auto earlier = load_ballot(txn.db(), command.round, voter.value());
  if (!earlier) return earlier.error();
  if (earlier.value().seq && !command.replace) {
    return Error{Errc::already_voted,
                 "this member already voted in round " + std::to_string(command.round) +
                     " (entry " + std::to_string(*earlier.value().seq) +
                     "); to change the vote, cast the new ballot with replace set before the "
                     "window ends"};
  }

  // Validated. From here on a failure is storage_failed.
  boost::json::array ballot;
  for (const VoteFor& line : lines.value()) {
    ballot.push_back(boost::json::object{{"candidate", line.candidate}, {"votes", line.votes}});
  }
  auto entry =
      txn.append(EntryKind::round_vote_cast, {{"round", command.round},
                                              {"member", voter.value()},
                                              {"ballot", std::move(ballot)},
                                              {"replaces_seq", optional_value(earlier.value().seq)},
                                              {"by", command.actor},
                                              {"idempotency_key", command.idempotency_key}});
  if (!entry) return entry.error();
  return Applied{entry.value().seq, command.round};
}

// Guard order: not_permitted (an actor that is not an admin) -> not_found (round) ->
// round_closed (already closed) -> voting_open (window not yet ended) -> insufficient_funds (the
// amount is more than the pool has available) -> the transaction's own guards.
Result<Applied> apply(WriteTxn& txn, const CloseRound& command) {
  std::optional<MemberId> admin_member;
  if (command.actor) {
    auto admin = load_admin(txn.db(), *command.actor);
    if (!admin) return admin.error();
    admin_member = admin.value().member;
  }
  auto round = load_round(txn.db(), command.round);
  if (!round) return round.error();
  const Round& r = round.value();
  if (r.closed) return Error{Errc::round_closed, "the round is already closed"};
  if (txn.now() < r.voting_end) {
    return Error{Errc::voting_open, "the voting window ends at " + format_timestamp(r.voting_end)};
  }
  auto pool = load_pool(txn.db(), r.pool);
  if (!pool) return pool.error();
  auto available = pool_available(txn.db(), pool.value());
  if (!available) return available.error();
  Minor amount = r.amount_minor.value_or(std::max<Minor>(available.value(), 0));
  if (amount > available.value()) {
    return Error{Errc::insufficient_funds,
                 "the pool has " + std::to_string(available.value()) + " minor units available"};
  }
  auto count = static_cast<std::int64_t>(r.candidates.size());
  auto tally = load_round_tally(txn.db(), r.id, count);
  if (!tally) return tally.error();
  auto payouts = round_payout(r.rules, amount, tally.value());
  if (!payouts) return payouts.error();

  std::vector<Posting> postings;
  Minor paid = 0;
  boost::json::array tally_json;
  boost::json::array payout_json;
  for (const CandidateVotes& c : tally.value()) {
    tally_json.push_back(boost::json::object{{"candidate", c.candidate}, {"votes", c.votes}});
  }
  for (const RoundPayout& p : payouts.value()) {
    AccountId account = r.candidates[static_cast<std::size_t>(p.candidate - 1)].account;
    payout_json.push_back(boost::json::object{
        {"candidate", p.candidate}, {"account", account}, {"amount", p.amount_minor}});
    if (p.amount_minor == 0) continue;
    postings.push_back({account, -p.amount_minor});
    paid = add_in_range(paid, p.amount_minor);
  }
  boost::json::object fields{{"round", r.id},
                             {"pool", r.pool},
                             {"amount", amount},
                             {"tally", std::move(tally_json)},
                             {"payouts", std::move(payout_json)},
                             {"paid", paid},
                             {"transaction", nullptr},
                             {"transaction_seq", nullptr},
                             {"closed_by", optional_value(command.actor)},
                             {"closed_by_member", optional_value(admin_member)},
                             {"idempotency_key", command.idempotency_key}};
  if (paid > 0) {
    postings.insert(postings.begin(), Posting{pool.value().account, paid});
    CreateTransaction money{
        .idempotency_key = command.idempotency_key,
        .postings = std::move(postings),
        .memo = "funding round " + std::to_string(r.id) + " of pool " + std::to_string(r.pool),
        .metadata = {{"pool", std::to_string(r.pool)}, {"round", std::to_string(r.id)}}};
    auto moved = apply(txn, money);
    if (!moved) return moved.error();
    fields["transaction"] = moved.value().id;
    fields["transaction_seq"] = moved.value().seq;
  }

  // Validated, money moved. From here on a failure is storage_failed.
  auto entry = txn.append(EntryKind::round_closed, std::move(fields));
  if (!entry) return entry.error();
  return Applied{entry.value().seq, r.id};
}

}  // namespace pardner::ledger
