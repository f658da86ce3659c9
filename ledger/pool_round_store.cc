// Round rows from the derived tables.
#include "ledger/pool_round_store.h"

namespace pardner::ledger {

Result<Round> load_round(Database& db, RoundId id) {
  Statement& query = db.cached(
      "SELECT id, pool_id, amount_minor, voting_start_us, voting_end_us, rule, tie_break,"
      " cap_minor, min_share_bps, votes_per_member, candidates_may_self_vote, status,"
      " opened_seq, closed_seq, paid_minor, transaction_id FROM pool_rounds WHERE id = ?");
  query.bind(1, id);
  auto row = query.step();
  if (!row) return row.error();
  if (!row.value()) return Error{Errc::not_found, "no round " + std::to_string(id)};
  Round r;
  r.id = query.column_int(0);
  r.pool = query.column_int(1);
  r.amount_minor = query.column_optional_int(2);
  r.voting_start = query.column_int(3);
  r.voting_end = query.column_int(4);
  r.rules.rule = round_rule_from(query.column_text(5)).value_or(RoundRule::winner_takes_all);
  r.rules.tie_break =
      round_tie_break_from(query.column_text(6)).value_or(RoundTieBreak::first_listed);
  r.rules.cap_minor = query.column_optional_int(7);
  r.rules.min_share_bps = query.column_optional_int(8);
  r.votes_per_member = query.column_int(9);
  r.candidates_may_self_vote = query.column_int(10) != 0;
  r.closed = query.column_text(11) == "closed";
  r.opened_seq = query.column_int(12);
  r.closed_seq = query.column_optional_int(13);
  r.paid_minor = query.column_optional_int(14);
  r.transaction = query.column_optional_int(15);
  query.reset();
  Statement& candidates = db.cached(
      "SELECT member_id, account_id, description, payout_minor FROM pool_round_candidates"
      " WHERE round_id = ? ORDER BY number");
  candidates.bind(1, id);
  while (true) {
    auto next = candidates.step();
    if (!next) return next.error();
    if (!next.value()) break;
    r.candidates.push_back(
        {candidates.column_int(0), candidates.column_int(1), candidates.column_text(2)});
    r.payouts.push_back(candidates.column_optional_int(3));
  }
  candidates.reset();
  return r;
}

Result<std::vector<CandidateVotes>> load_round_tally(Database& db, RoundId id,
                                                     std::int64_t candidate_count) {
  std::vector<CandidateVotes> tally;
  for (std::int64_t c = 1; c <= candidate_count; ++c) tally.push_back({c, 0});
  Statement& query = db.cached(
      "SELECT candidate, sum(votes) FROM pool_round_ballot_lines WHERE round_id = ?"
      " GROUP BY candidate ORDER BY candidate");
  query.bind(1, id);
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) break;
    std::int64_t candidate = query.column_int(0);
    if (candidate < 1 || candidate > candidate_count) {
      query.reset();
      return Error{Errc::invalid_argument, "a ballot names no candidate of the round"};
    }
    tally[static_cast<std::size_t>(candidate - 1)].votes = query.column_int(1);
  }
  query.reset();
  return tally;
}

Result<Ballot> load_ballot(Database& db, RoundId id, MemberId member) {
  Ballot ballot;
  Statement& head =
      db.cached("SELECT seq FROM pool_round_ballots WHERE round_id = ? AND member_id = ?");
  head.bind(1, id).bind(2, member);
  auto row = head.step();
  if (!row) return row.error();
  if (row.value()) ballot.seq = head.column_int(0);
  head.reset();
  Statement& lines = db.cached(
      "SELECT candidate, votes FROM pool_round_ballot_lines WHERE round_id = ? AND member_id = ?"
      " ORDER BY candidate");
  lines.bind(1, id).bind(2, member);
  while (true) {
    auto next = lines.step();
    if (!next) return next.error();
    if (!next.value()) break;
    ballot.lines.push_back({lines.column_int(0), lines.column_int(1)});
  }
  lines.reset();
  return ballot;
}

Result<std::int64_t> count_ballots(Database& db, RoundId id) {
  Statement& query = db.cached("SELECT count(*) FROM pool_round_ballots WHERE round_id = ?");
  query.bind(1, id);
  auto row = query.step();
  if (!row) return row.error();
  std::int64_t count = query.column_int(0);
  query.reset();
  return count;
}

Result<std::vector<CloseRound>> rounds_due_to_close(Database& db, Timestamp now,
                                                    std::size_t limit) {
  Statement& query = db.cached(
      "SELECT id FROM pool_rounds WHERE status = 'open' AND voting_end_us <= ?"
      " ORDER BY voting_end_us, id LIMIT ?");
  query.bind(1, now).bind(2, static_cast<std::int64_t>(limit));
  std::vector<CloseRound> due;
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) break;
    due.push_back(
        CloseRound{.idempotency_key = {}, .actor = std::nullopt, .round = query.column_int(0)});
  }
  query.reset();
  return due;
}

}  // namespace pardner::ledger
