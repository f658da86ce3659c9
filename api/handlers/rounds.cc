// Funding rounds: POST /v1/rounds (admin), POST /v1/rounds/{id}/votes (a member's first ballot),
// PUT /v1/rounds/{id}/votes/mine (a member changes theirs), GET /v1/rounds/{id}/votes/mine (the
// caller's ballot in force) and POST /v1/rounds/{id}/close (admin, once the window has ended).
// The actor is always the bearer token: nobody votes on another's behalf, and ledger/ refuses a
// second first ballot, votes outside the window and candidates voting for themselves.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <limits>

#include "api/handlers/decode.h"
#include "api/handlers/handlers.h"
#include "api/limits.h"
#include "ledger/limits.h"
#include "ledger/pool_round_commands.h"
#include "ledger/pool_round_store.h"

namespace pardner::api::handlers {
namespace {

namespace json = boost::json;

constexpr std::int64_t id_max = std::numeric_limits<std::int64_t>::max();

ledger::ActorToken actor_of(const Exchange& ex) { return ex.principal()->token_id; }

// A bound of the voting window: "2026-11-22T19:31:00Z", or with six fractional digits as entries
// carry them ("2026-11-22T19:31:00.250000Z"). UTC only: a window is compared with writer time.
Decoded<ledger::Timestamp> required_timestamp(const json::object& body, std::string_view name) {
  auto text = required_string(body, name, timestamp_bytes_max);
  if (!text) return text.error();
  std::string full = text.value();
  if (full.size() == 20 && full.back() == 'Z') full.insert(19, ".000000");
  auto ts = ledger::parse_timestamp(full);
  if (!ts) {
    return invalid("\"" + std::string(name) +
                   "\" must be an RFC 3339 UTC time, YYYY-MM-DDTHH:MM:SSZ or "
                   "YYYY-MM-DDTHH:MM:SS.ffffffZ");
  }
  return *ts;
}

template <class T, class Parse>
Decoded<std::optional<T>> optional_name(const json::object& body, std::string_view name,
                                        Parse parse, std::string_view allowed) {
  auto text = optional_string(body, name, round_term_name_bytes_max);
  if (!text) return text.error();
  if (!text.value()) return std::optional<T>{};
  std::optional<T> value = parse(*text.value());
  if (!value) return invalid("\"" + std::string(name) + "\" must be " + std::string(allowed));
  return value;
}

// {candidates: [{member, account, description}, ...]}: 1..round_candidates_max, numbered 1..n
// in this order by the ledger.
Decoded<std::vector<ledger::RoundCandidate>> decode_candidates(const json::object& body) {
  const json::value* value = body.if_contains("candidates");
  if (value == nullptr) return invalid(R"("candidates" is required)");
  const json::array* list = value->if_array();
  if (list == nullptr || list->empty() || list->size() > round_candidates_max) {
    return invalid(R"("candidates" must be an array of 1 to )" +
                   std::to_string(round_candidates_max) + " candidates");
  }
  std::vector<ledger::RoundCandidate> out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const json::object* item = (*list)[i].if_object();
    const std::string where = "candidates[" + std::to_string(i) + "]: ";
    if (item == nullptr) return invalid(where + "must be an object {member, account, description}");
    if (auto known = refuse_unknown_fields(*item, {"member", "account", "description"}, where);
        !known) {
      return known.error();
    }
    auto member = required_integer(*item, "member", 0, id_max);
    if (!member) return invalid(where + member.error().detail);
    auto account = required_integer(*item, "account", 0, id_max);
    if (!account) return invalid(where + account.error().detail);
    auto description = required_string(*item, "description", ledger::pool_text_bytes_max);
    if (!description) return invalid(where + description.error().detail);
    out.push_back({member.value(), account.value(), std::move(description.value())});
  }
  return out;
}

// {ballot: [{candidate, votes}, ...]}: 1..ballot_lines_max lines; the ledger checks them against
// the round (candidates, votes per member, self-votes).
Decoded<std::vector<ledger::VoteFor>> decode_ballot(const json::object& body) {
  const json::value* value = body.if_contains("ballot");
  if (value == nullptr) return invalid(R"("ballot" is required)");
  const json::array* list = value->if_array();
  if (list == nullptr || list->empty() || list->size() > ballot_lines_max) {
    return invalid(R"("ballot" must be an array of 1 to )" + std::to_string(ballot_lines_max) +
                   " lines {candidate, votes}");
  }
  std::vector<ledger::VoteFor> out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const json::object* item = (*list)[i].if_object();
    const std::string where = "ballot[" + std::to_string(i) + "]: ";
    if (item == nullptr) return invalid(where + "must be an object {candidate, votes}");
    if (auto known = refuse_unknown_fields(*item, {"candidate", "votes"}, where); !known) {
      return known.error();
    }
    auto candidate = required_integer(*item, "candidate", 0, id_max);
    if (!candidate) return invalid(where + candidate.error().detail);
    auto votes = optional_integer(*item, "votes", 0, ledger::round_votes_per_member_max);
    if (!votes) return invalid(where + votes.error().detail);
    out.push_back({candidate.value(), votes.value().value_or(1)});
  }
  return out;
}

// A first ballot refused because one is in force: the detail says how to change it over HTTPS.
void reply_vote(Exchange& ex, const ledger::Result<ledger::Applied>& done) {
  if (!done && done.error().code == ledger::Errc::already_voted) {
    const std::string round(ex.path_param("id"));
    return ex.fail(ledger::Error{ledger::Errc::already_voted,
                                 "this member already has a ballot in round " + round +
                                     "; to change the vote, PUT the new ballot to /v1/rounds/" +
                                     round + "/votes/mine before the window ends"});
  }
  reply_created(ex, done);
}

void submit_vote(Exchange& ex, bool replace) {
  auto round = id_param(ex, "id");
  if (!round) return ex.fail(round.error());
  auto body = decode_body(ex.request(), pool_list_body_depth_max, {"ballot", "idempotency_key"});
  if (!body) return ex.fail(body.error());
  auto ballot = decode_ballot(body.value());
  if (!ballot) return ex.fail(ballot.error());
  auto key = idempotency_key(ex.request(), body.value());
  if (!key) return ex.fail(key.error());
  ledger::CastVote vote{.idempotency_key = std::move(key.value()),
                        .actor = actor_of(ex),
                        .round = round.value(),
                        .ballot = std::move(ballot.value()),
                        .replace = replace};
  if (replace) return ex.submit(std::move(vote), &reply_applied);
  ex.submit(std::move(vote), &reply_vote);
}

}  // namespace

void open_round(Exchange& ex) {
  auto body = decode_body(
      ex.request(), pool_list_body_depth_max,
      {"pool", "amount", "candidates", "voting_start", "voting_end", "rule", "tie_break", "cap",
       "min_share_bps", "votes_per_member", "candidates_may_self_vote", "idempotency_key"});
  if (!body) return ex.fail(body.error());
  const json::object& fields = body.value();
  ledger::OpenRound command{.actor = actor_of(ex)};
  auto pool = required_integer(fields, "pool", 0, id_max);
  if (!pool) return ex.fail(pool.error());
  command.pool = pool.value();
  auto amount = optional_amount(fields, "amount");
  if (!amount) return ex.fail(amount.error());
  command.amount_minor = amount.value();
  auto candidates = decode_candidates(fields);
  if (!candidates) return ex.fail(candidates.error());
  command.candidates = std::move(candidates.value());
  auto start = required_timestamp(fields, "voting_start");
  if (!start) return ex.fail(start.error());
  command.voting_start = start.value();
  auto end = required_timestamp(fields, "voting_end");
  if (!end) return ex.fail(end.error());
  command.voting_end = end.value();
  auto rule = optional_name<ledger::RoundRule>(fields, "rule", ledger::round_rule_from,
                                               "winner_takes_all or proportional");
  if (!rule) return ex.fail(rule.error());
  if (!rule.value()) return ex.fail(invalid(R"("rule" is required)"));
  command.rules.rule = *rule.value();
  auto tie_break = optional_name<ledger::RoundTieBreak>(
      fields, "tie_break", ledger::round_tie_break_from, "first_listed or split_equally");
  if (!tie_break) return ex.fail(tie_break.error());
  command.rules.tie_break = tie_break.value().value_or(ledger::RoundTieBreak::first_listed);
  auto cap = optional_amount(fields, "cap");
  if (!cap) return ex.fail(cap.error());
  command.rules.cap_minor = cap.value();
  auto min_share = optional_integer(fields, "min_share_bps", 0, id_max);
  if (!min_share) return ex.fail(min_share.error());
  command.rules.min_share_bps = min_share.value();
  auto votes = optional_integer(fields, "votes_per_member", 0, id_max);
  if (!votes) return ex.fail(votes.error());
  command.votes_per_member = votes.value().value_or(1);
  auto self_vote = optional_bool(fields, "candidates_may_self_vote");
  if (!self_vote) return ex.fail(self_vote.error());
  command.candidates_may_self_vote = self_vote.value().value_or(false);
  auto key = idempotency_key(ex.request(), fields);
  if (!key) return ex.fail(key.error());
  command.idempotency_key = std::move(key.value());
  ex.submit(std::move(command), &reply_created);
}

// 201 {id: the round, seq: the vote entry}; 409 already_voted when a ballot is in force.
void cast_vote(Exchange& ex) { submit_vote(ex, false); }

// 200 {id: the round, seq: the vote entry}, the new ballot replacing the one in force.
void change_vote(Exchange& ex) { submit_vote(ex, true); }

// The caller's ballot in force: {round, member, seq, ballot}; seq null and ballot [] before any.
void my_ballot(Exchange& ex) {
  auto round = id_param(ex, "id");
  if (!round) return ex.fail(round.error());
  auto me = calling_member(ex);
  if (!me) return ex.fail(invalid("only a member's token has a ballot"));
  ledger::Database& db = ex.reader().db();
  auto found = ledger::load_round(db, round.value());
  if (!found) {
    if (found.error().code == ledger::Errc::not_found) {
      return ex.fail(
          ledger::Error{ledger::Errc::not_found, "no round " + std::to_string(round.value())});
    }
    return ex.fail(found.error());
  }
  auto ballot = ledger::load_ballot(db, round.value(), *me);
  if (!ballot) return ex.fail(ballot.error());
  json::array lines;
  for (const ledger::VoteFor& line : ballot.value().lines) {
    lines.emplace_back(json::object{{"candidate", line.candidate}, {"votes", line.votes}});
  }
  json::object out{{"round", round.value()}, {"member", *me}, {"ballot", std::move(lines)}};
  if (ballot.value().seq) {
    out["seq"] = *ballot.value().seq;
  } else {
    out["seq"] = nullptr;
  }
  ex.reply_json(200, json::serialize(out));
}

void close_round(Exchange& ex) {
  auto round = id_param(ex, "id");
  if (!round) return ex.fail(round.error());
  auto body = decode_optional_body(ex.request(), flat_body_depth_max, {"idempotency_key"});
  if (!body) return ex.fail(body.error());
  auto key = idempotency_key(ex.request(), body.value());
  if (!key) return ex.fail(key.error());
  ex.submit(
      ledger::CloseRound{
          .idempotency_key = std::move(key.value()), .actor = actor_of(ex), .round = round.value()},
      &reply_applied);
}

}  // namespace pardner::api::handlers
