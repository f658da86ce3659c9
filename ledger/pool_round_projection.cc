// Round entries onto the round tables, recomputing the tally and the payout on close.
#include "ledger/pool_round_projection.h"

#include <algorithm>
#include <boost/json.hpp>

#include "ledger/pool_round_store.h"
#include "ledger/pool_store.h"
#include "ledger/state.h"

namespace pardner::ledger {
namespace {

Error mismatch(const Entry& entry, const std::string& what) {
  return Error{Errc::invalid_argument, std::string(wire_name(entry.kind)) + " at seq " +
                                           std::to_string(entry.seq) + ": " + what};
}

Result<Timestamp> time_field(const Entry& entry, std::string_view name) {
  auto text = string_field(entry.fields, name);
  if (!text) return text.error();
  auto ts = parse_timestamp(text.value());
  if (!ts) return mismatch(entry, std::string(name) + " is not an RFC 3339 UTC time");
  return *ts;
}

const boost::json::array* array_field(const boost::json::object& fields, std::string_view name) {
  const auto* value = fields.if_contains(name);
  if (value == nullptr || !value->is_array()) return nullptr;
  return &value->get_array();
}

// [{a: x, b: y}, ...] as pairs of integers.
Result<std::vector<std::pair<std::int64_t, std::int64_t>>> int_pairs(const Entry& entry,
                                                                     std::string_view name,
                                                                     std::string_view a,
                                                                     std::string_view b) {
  const auto* array = array_field(entry.fields, name);
  if (array == nullptr) return mismatch(entry, "missing " + std::string(name) + " array");
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (const auto& element : *array) {
    if (!element.is_object()) return mismatch(entry, std::string(name) + " line not an object");
    auto x = int_field(element.get_object(), a);
    auto y = int_field(element.get_object(), b);
    if (!x) return x.error();
    if (!y) return y.error();
    out.emplace_back(x.value(), y.value());
  }
  return out;
}

}  // namespace

Result<Ok> apply_round_opened(Database& db, const Entry& entry) {
  const auto& f = entry.fields;
  auto round = int_field(f, "round");
  auto pool = int_field(f, "pool");
  auto votes = int_field(f, "votes_per_member");
  if (!round) return round.error();
  if (!pool) return pool.error();
  if (!votes) return votes.error();
  auto amount = optional_int_field(f, "amount");
  auto cap = optional_int_field(f, "cap");
  auto min_share = optional_int_field(f, "min_share_bps");
  if (!amount) return amount.error();
  if (!cap) return cap.error();
  if (!min_share) return min_share.error();
  auto start = time_field(entry, "voting_start");
  auto end = time_field(entry, "voting_end");
  if (!start) return start.error();
  if (!end) return end.error();
  auto rule = string_field(f, "rule");
  auto tie = string_field(f, "tie_break");
  if (!rule) return rule.error();
  if (!tie) return tie.error();
  const auto* self_vote = f.if_contains("candidates_may_self_vote");
  if (self_vote == nullptr || !self_vote->is_bool()) {
    return mismatch(entry, "missing candidates_may_self_vote");
  }
  const auto* candidates = array_field(f, "candidates");
  if (candidates == nullptr || candidates->empty()) return mismatch(entry, "no candidates");
  auto inserted =
      db.cached(
            "INSERT INTO pool_rounds (id, pool_id, amount_minor, voting_start_us, voting_end_us,"
            " rule, tie_break, cap_minor, min_share_bps, votes_per_member,"
            " candidates_may_self_vote, status, opened_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?, 'open', ?)")
          .bind(1, round.value())
          .bind(2, pool.value())
          .bind(3, amount.value())
          .bind(4, start.value())
          .bind(5, end.value())
          .bind(6, std::string_view(rule.value()))
          .bind(7, std::string_view(tie.value()))
          .bind(8, cap.value())
          .bind(9, min_share.value())
          .bind(10, votes.value())
          .bind(11, std::int64_t{self_vote->get_bool() ? 1 : 0})
          .bind(12, entry.seq)
          .run();
  if (!inserted) return inserted;
  std::int64_t expected_number = 1;
  for (const auto& element : *candidates) {
    if (!element.is_object()) return mismatch(entry, "candidate not an object");
    const auto& c = element.get_object();
    auto number = int_field(c, "number");
    auto member = int_field(c, "member");
    auto account = int_field(c, "account");
    auto description = string_field(c, "description");
    if (!number) return number.error();
    if (!member) return member.error();
    if (!account) return account.error();
    if (!description) return description.error();
    if (number.value() != expected_number++) return mismatch(entry, "candidates out of order");
    auto done = db.cached(
                      "INSERT INTO pool_round_candidates (round_id, number, member_id,"
                      " account_id, description) VALUES (?, ?, ?, ?, ?)")
                    .bind(1, round.value())
                    .bind(2, number.value())
                    .bind(3, member.value())
                    .bind(4, account.value())
                    .bind(5, std::string_view(description.value()))
                    .run();
    if (!done) return done;
  }
  return Ok{};
}

Result<Ok> apply_round_vote_cast(Database& db, const Entry& entry) {
  auto id = int_field(entry.fields, "round");
  auto member = int_field(entry.fields, "member");
  auto replaces = optional_int_field(entry.fields, "replaces_seq");
  if (!id) return id.error();
  if (!member) return member.error();
  if (!replaces) return replaces.error();
  auto ballot = int_pairs(entry, "ballot", "candidate", "votes");
  if (!ballot) return ballot.error();
  auto round = load_round(db, id.value());
  if (!round) return round.error();
  const Round& r = round.value();
  if (r.closed) return mismatch(entry, "a vote in a closed round");
  if (entry.ts < r.voting_start || entry.ts >= r.voting_end) {
    return mismatch(entry, "a vote outside the round's window");
  }
  auto earlier = load_ballot(db, r.id, member.value());
  if (!earlier) return earlier.error();
  if (earlier.value().seq != replaces.value()) {
    return mismatch(entry, "replaces_seq is not the member's ballot in force");
  }
  std::int64_t total = 0;
  for (const auto& [candidate, votes] : ballot.value()) {
    if (candidate < 1 || candidate > static_cast<std::int64_t>(r.candidates.size()) || votes < 1) {
      return mismatch(entry, "a ballot line out of range");
    }
    total += votes;
  }
  if (ballot.value().empty() || total > r.votes_per_member) {
    return mismatch(entry, "the ballot spends more votes than a member has");
  }
  auto cleared =
      db.cached("DELETE FROM pool_round_ballot_lines WHERE round_id = ? AND member_id = ?")
          .bind(1, r.id)
          .bind(2, member.value())
          .run();
  if (!cleared) return cleared;
  auto head = db.cached(
                    "INSERT INTO pool_round_ballots (round_id, member_id, seq) VALUES (?, ?, ?)"
                    " ON CONFLICT (round_id, member_id) DO UPDATE SET seq = excluded.seq")
                  .bind(1, r.id)
                  .bind(2, member.value())
                  .bind(3, entry.seq)
                  .run();
  if (!head) return head;
  for (const auto& [candidate, votes] : ballot.value()) {
    auto line = db.cached(
                      "INSERT INTO pool_round_ballot_lines (round_id, member_id, candidate, votes)"
                      " VALUES (?, ?, ?, ?)")
                    .bind(1, r.id)
                    .bind(2, member.value())
                    .bind(3, candidate)
                    .bind(4, votes)
                    .run();
    if (!line) return line;  // a candidate twice fails the primary key
  }
  return Ok{};
}

// The tally is recomputed from the ballots in force, the payout from the round's rules and the
// amount, and the amount itself: the round's fixed amount, or the pool's available balance just
// before the payout (its balance now, after the payout transaction, plus what was paid).
Result<Ok> apply_round_closed(Database& db, const Entry& entry) {
  const auto& f = entry.fields;
  auto id = int_field(f, "round");
  auto amount = int_field(f, "amount");
  auto paid = int_field(f, "paid");
  auto transaction = optional_int_field(f, "transaction");
  if (!id) return id.error();
  if (!amount) return amount.error();
  if (!paid) return paid.error();
  if (!transaction) return transaction.error();
  auto recorded_tally = int_pairs(entry, "tally", "candidate", "votes");
  auto recorded_payouts = int_pairs(entry, "payouts", "candidate", "amount");
  if (!recorded_tally) return recorded_tally.error();
  if (!recorded_payouts) return recorded_payouts.error();
  auto round = load_round(db, id.value());
  if (!round) return round.error();
  const Round& r = round.value();
  if (r.closed) return mismatch(entry, "the round is already closed");
  if (entry.ts < r.voting_end) return mismatch(entry, "closed before the window ended");
  auto pool = load_pool(db, r.pool);
  if (!pool) return pool.error();
  if (r.amount_minor) {
    if (amount.value() != *r.amount_minor) return mismatch(entry, "amount is not the round's");
  } else {
    auto available = pool_available(db, pool.value());
    if (!available) return available.error();
    if (amount.value() != std::max<Minor>(add_in_range(available.value(), paid.value()), 0)) {
      return mismatch(entry, "amount is not the pool's available balance at closing");
    }
  }
  auto tally = load_round_tally(db, r.id, static_cast<std::int64_t>(r.candidates.size()));
  if (!tally) return tally.error();
  std::vector<std::pair<std::int64_t, std::int64_t>> computed_tally;
  for (const CandidateVotes& c : tally.value()) computed_tally.emplace_back(c.candidate, c.votes);
  if (computed_tally != recorded_tally.value()) {
    return mismatch(entry, "the recorded tally differs from the ballots in the log");
  }
  auto payouts = round_payout(r.rules, amount.value(), tally.value());
  if (!payouts) return mismatch(entry, payouts.error().detail);
  std::vector<std::pair<std::int64_t, std::int64_t>> computed_payouts;
  std::vector<Posting> expected;
  Minor total = 0;
  for (const RoundPayout& p : payouts.value()) {
    computed_payouts.emplace_back(p.candidate, p.amount_minor);
    if (p.amount_minor == 0) continue;
    expected.push_back(
        {r.candidates[static_cast<std::size_t>(p.candidate - 1)].account, -p.amount_minor});
    total = add_in_range(total, p.amount_minor);
  }
  if (computed_payouts != recorded_payouts.value() || total != paid.value()) {
    return mismatch(entry, "the recorded payout differs from the round's rules");
  }
  if (total > 0) {
    if (!transaction.value()) return mismatch(entry, "a payout without a transaction");
    expected.push_back({pool.value().account, total});
    auto rows = load_transaction_postings(db, *transaction.value(), false);
    if (!rows) return rows.error();
    std::vector<Posting> actual;
    for (const PostingRow& row : rows.value()) actual.push_back({row.account, row.amount});
    auto order = [](const Posting& a, const Posting& b) {
      return a.account != b.account ? a.account < b.account : a.amount < b.amount;
    };
    std::sort(actual.begin(), actual.end(), order);
    std::sort(expected.begin(), expected.end(), order);
    if (actual != expected) return mismatch(entry, "the transaction does not pay the payout");
  } else if (transaction.value()) {
    return mismatch(entry, "a transaction with nothing to pay");
  }
  auto closed = db.cached(
                      "UPDATE pool_rounds SET status = 'closed', closed_seq = ?, paid_minor = ?,"
                      " transaction_id = ? WHERE id = ? AND status = 'open'")
                    .bind(1, entry.seq)
                    .bind(2, total)
                    .bind(3, transaction.value())
                    .bind(4, r.id)
                    .run();
  if (!closed) return closed;
  for (const RoundPayout& p : payouts.value()) {
    auto done = db.cached(
                      "UPDATE pool_round_candidates SET payout_minor = ? WHERE round_id = ?"
                      " AND number = ?")
                    .bind(1, p.amount_minor)
                    .bind(2, r.id)
                    .bind(3, p.candidate)
                    .run();
    if (!done) return done;
  }
  return Ok{};
}

}  // namespace pardner::ledger
