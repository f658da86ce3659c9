// The pool and round reads: GET /v1/pools/{id} (the pool, its balance and the policy in force),
// /v1/pools/{id}/policy (every version), /v1/pools/{id}/distributions (with their splits) and
// /v1/rounds/{id} (the round, its tally so far and what it paid or would pay now) for anyone
// signed in: a pool is the community's money and a round is what members vote on, and none of
// them names more than the accounts and members that stand in them. GET /v1/pools/{id}/
// contributions names who paid in from which account, so it is for admins and auditors only.
// Reads only; the figures are ledger/'s (pool_report, round_report), encoded here.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/handlers/decode.h"
#include "api/handlers/handlers.h"
#include "api/handlers/paging.h"
#include "api/handlers/read_snapshot.h"
#include "api/limits.h"
#include "ledger/limits.h"
#include "ledger/pool_reports.h"

namespace pardner::api::handlers {
namespace {

namespace json = boost::json;

json::object policy_json(const ledger::PolicyVersion& policy) {
  json::array shares;
  for (const ledger::PolicyShare& share : policy.shares) {
    shares.emplace_back(
        json::object{{"name", share.name}, {"account", share.account}, {"bps", share.bps}});
  }
  return {{"version", policy.version}, {"seq", policy.seq}, {"shares", std::move(shares)}};
}

json::object distribution_json(const ledger::Distribution& d) {
  json::array split;
  for (const ledger::DistributionLine& line : d.lines) {
    split.emplace_back(
        json::object{{"account", line.account}, {"bps", line.bps}, {"amount", line.amount_minor}});
  }
  return {{"id", d.id},
          {"policy_version", d.policy_version},
          {"amount", d.amount_minor},
          {"transaction", d.transaction},
          {"seq", d.seq},
          {"split", std::move(split)}};
}

json::object contribution_json(const ledger::Contribution& c) {
  return {{"seq", c.seq},
          {"transaction", c.transaction},
          {"source_account", c.source_account},
          {"source_kind", c.source_kind},
          {"amount", c.amount_minor},
          {"contributor_member", optional_json(c.contributor_member)},
          {"reason", c.reason},
          {"by_token", c.by_token}};
}

// A page of `items` (in log order, each with a seq) after ?cursor= (the last seq shown), at most
// ?limit= long, as {items_name: [...], next_cursor?}. The lists are read whole from the pool's
// own rows and cut here: a pool's history is what one community does, not the whole log.
template <class Item, class Encode>
void reply_page(Exchange& ex, ledger::PoolId pool, const std::vector<Item>& items,
                std::string_view items_name, Encode encode) {
  auto after = query_cursor(ex.request(), list_cursor_chars_max);
  if (!after) return ex.fail(after.error());
  auto limit = query_page_limit(ex.request(), ledger::list_page_max, list_page_default);
  if (!limit) return ex.fail(limit.error());
  json::array page;
  std::optional<ledger::Seq> last;
  bool more = false;
  for (const Item& item : items) {
    if (after.value() && item.seq <= *after.value()) continue;
    if (page.size() == limit.value()) {
      more = true;
      break;
    }
    page.emplace_back(encode(item));
    last = item.seq;
  }
  json::object out{{"pool", pool}, {items_name, std::move(page)}};
  if (more && last) out["next_cursor"] = encode_cursor({*last});
  ex.reply_json(200, json::serialize(out));
}

// Loads the pool first, so a missing pool answers 404 rather than an empty list.
Decoded<ledger::Pool> pool_of(Exchange& ex, ledger::PoolId id) {
  auto pool = ledger::load_pool(ex.reader().db(), id);
  if (!pool) return from_ledger(pool.error(), "pool " + std::to_string(id));
  return pool.value();
}

}  // namespace

void get_pool(Exchange& ex) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  ledger::Database& db = ex.reader().db();
  ReadSnapshot snapshot(db);
  if (!snapshot.ok()) return ex.fail(no_snapshot());
  auto report = ledger::pool_report(db, id.value());
  if (!report) return ex.fail(from_ledger(report.error(), "pool " + std::to_string(id.value())));
  const ledger::PoolReport& r = report.value();
  json::object out{{"id", r.pool.id},
                   {"currency", r.pool.currency},
                   {"account", r.pool.account},
                   {"description", r.pool.description},
                   {"created_seq", r.pool.created_seq},
                   {"balance", r.balance_minor},
                   {"available", r.available_minor},
                   {"contribution_count", r.contribution_count},
                   {"contributed", r.contributed_minor},
                   {"distribution_count", r.distribution_count},
                   {"distributed", r.distributed_minor}};
  if (r.policy) {
    out["policy"] = policy_json(*r.policy);
  } else {
    out["policy"] = nullptr;
  }
  ex.reply_json(200, json::serialize(out));
}

// One of a pool's lists (its contributions, policy versions or distributions), a page of it.
template <class Item, class Encode>
void reply_pool_list(Exchange& ex,
                     ledger::Result<std::vector<Item>> (*load)(ledger::Database&, ledger::PoolId),
                     std::string_view items_name, Encode encode) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  ReadSnapshot snapshot(ex.reader().db());
  if (!snapshot.ok()) return ex.fail(no_snapshot());
  auto pool = pool_of(ex, id.value());
  if (!pool) return ex.fail(pool.error());
  auto items = load(ex.reader().db(), id.value());
  if (!items) return ex.fail(items.error());
  reply_page(ex, id.value(), items.value(), items_name, encode);
}

void pool_contributions(Exchange& ex) {
  reply_pool_list(ex, &ledger::load_pool_contributions, "contributions", &contribution_json);
}

void pool_policy_history(Exchange& ex) {
  reply_pool_list(ex, &ledger::load_policy_history, "versions", &policy_json);
}

void pool_distributions(Exchange& ex) {
  reply_pool_list(ex, &ledger::load_pool_distributions, "distributions", &distribution_json);
}

// The round with, per candidate, its votes from the ballots in force and its payout: what was
// paid once closed ("payout_basis": "paid"), else what closing now would pay ("if_closed_now").
void get_round(Exchange& ex) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  ledger::Database& db = ex.reader().db();
  ReadSnapshot snapshot(db);
  if (!snapshot.ok()) return ex.fail(no_snapshot());
  auto report = ledger::round_report(db, id.value());
  if (!report) return ex.fail(from_ledger(report.error(), "round " + std::to_string(id.value())));
  const ledger::RoundReport& r = report.value();
  const ledger::Round& round = r.round;
  json::array candidates;
  for (std::size_t i = 0; i < round.candidates.size(); ++i) {
    const ledger::RoundCandidate& c = round.candidates[i];
    auto number = static_cast<std::int64_t>(i + 1);
    std::int64_t votes = 0;
    for (const ledger::CandidateVotes& t : r.tally) votes = t.candidate == number ? t.votes : votes;
    ledger::Minor payout = 0;
    for (const ledger::RoundPayout& p : r.payouts) {
      payout = p.candidate == number ? p.amount_minor : payout;
    }
    candidates.emplace_back(json::object{{"number", number},
                                         {"member", c.member},
                                         {"account", c.account},
                                         {"description", c.description},
                                         {"votes", votes},
                                         {"payout", payout}});
  }
  json::object out{{"id", round.id},
                   {"pool", round.pool},
                   {"status", round.closed ? "closed" : "open"},
                   {"amount", optional_json(round.amount_minor)},
                   {"voting_start", ledger::format_timestamp(round.voting_start)},
                   {"voting_end", ledger::format_timestamp(round.voting_end)},
                   {"rule", ledger::wire_name(round.rules.rule)},
                   {"tie_break", ledger::wire_name(round.rules.tie_break)},
                   {"cap", optional_json(round.rules.cap_minor)},
                   {"min_share_bps", optional_json(round.rules.min_share_bps)},
                   {"votes_per_member", round.votes_per_member},
                   {"candidates_may_self_vote", round.candidates_may_self_vote},
                   {"opened_seq", round.opened_seq},
                   {"closed_seq", optional_json(round.closed_seq)},
                   {"transaction", optional_json(round.transaction)},
                   {"ballot_count", r.ballot_count},
                   {"payout_basis", round.closed ? "paid" : "if_closed_now"},
                   {"payout_amount", r.amount_minor},
                   {"candidates", std::move(candidates)}};
  ex.reply_json(200, json::serialize(out));
}

}  // namespace pardner::api::handlers
