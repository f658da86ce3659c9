// The pool writes: POST /v1/pools (admin), POST /v1/pools/{id}/contributions (an admin, or a
// member from an account of their own), POST /v1/pools/{id}/policy (admin: a new version) and
// POST /v1/pools/{id}/distributions (admin). Each decides about money, so each takes an
// idempotency key; the actor is the bearer token. The rules (who may contribute from what, the
// 10,000 bps sum, the split) are ledger/'s: here a member only learns that another member's
// account does not exist (404).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <limits>

#include "api/handlers/decode.h"
#include "api/handlers/handlers.h"
#include "api/limits.h"
#include "ledger/limits.h"
#include "ledger/pool_commands.h"

namespace pardner::api::handlers {
namespace {

constexpr std::int64_t id_max = std::numeric_limits<std::int64_t>::max();

// The router admits only signed-in callers to these routes.
ledger::ActorToken actor_of(const Exchange& ex) { return ex.principal()->token_id; }

// A member contributes only from an account of their own: any other account answers 404, as a
// missing one does. A missing account is left to the ledger, which says not_found itself.
Decoded<Ok> check_source_scope(Exchange& ex, ledger::AccountId source) {
  auto me = calling_member(ex);
  if (!me) return Ok{};
  auto account = ex.reader().account(source);
  if (!account) {
    if (account.error().code == ledger::Errc::not_found) return Ok{};
    return problem_from(account.error());
  }
  if (account.value().member != *me) {
    return problem_from(
        ledger::Error{ledger::Errc::not_found, "no account " + std::to_string(source)});
  }
  return Ok{};
}

// {shares: [{name, account, bps}, ...]}: 1..policy_shares_max shares, each field checked here
// for its JSON kind and bound; the sum and the accounts are the ledger's to judge.
Decoded<std::vector<ledger::PolicyShare>> decode_shares(const boost::json::object& body) {
  const boost::json::value* value = body.if_contains("shares");
  if (value == nullptr) return invalid(R"("shares" is required)");
  const boost::json::array* shares = value->if_array();
  if (shares == nullptr || shares->empty() || shares->size() > policy_shares_max) {
    return invalid(R"("shares" must be an array of 1 to )" + std::to_string(policy_shares_max) +
                   " shares");
  }
  std::vector<ledger::PolicyShare> out;
  for (std::size_t i = 0; i < shares->size(); ++i) {
    const boost::json::object* share = (*shares)[i].if_object();
    const std::string where = "shares[" + std::to_string(i) + "]: ";
    if (share == nullptr) return invalid(where + "must be an object {name, account, bps}");
    if (auto known = refuse_unknown_fields(*share, {"name", "account", "bps"}, where); !known) {
      return known.error();
    }
    auto name = required_string(*share, "name", ledger::pool_text_bytes_max);
    if (!name) return invalid(where + name.error().detail);
    auto account = required_integer(*share, "account", 0, id_max);
    if (!account) return invalid(where + account.error().detail);
    auto bps = required_integer(*share, "bps", 0, id_max);
    if (!bps) return invalid(where + bps.error().detail);
    out.push_back({std::move(name.value()), account.value(), bps.value()});
  }
  return out;
}

}  // namespace

void create_pool(Exchange& ex) {
  auto body = decode_body(ex.request(), flat_body_depth_max,
                          {"currency", "account", "description", "idempotency_key"});
  if (!body) return ex.fail(body.error());
  const boost::json::object& fields = body.value();
  auto currency = required_string(fields, "currency", currency_bytes_max);
  if (!currency) return ex.fail(currency.error());
  auto account = required_integer(fields, "account", 0, id_max);
  if (!account) return ex.fail(account.error());
  auto description = optional_string(fields, "description", ledger::pool_text_bytes_max);
  if (!description) return ex.fail(description.error());
  auto key = idempotency_key(ex.request(), fields);
  if (!key) return ex.fail(key.error());
  ex.submit(ledger::CreatePool{.idempotency_key = std::move(key.value()),
                               .actor = actor_of(ex),
                               .currency = std::move(currency.value()),
                               .pool_account = account.value(),
                               .description = description.value().value_or("")},
            &reply_created);
}

// 201 {id: the contribution's transaction, seq: the pool_contributed entry}.
void contribute_to_pool(Exchange& ex) {
  auto pool = id_param(ex, "id");
  if (!pool) return ex.fail(pool.error());
  auto body = decode_body(ex.request(), flat_body_depth_max,
                          {"source_account", "amount", "contributor", "reason", "idempotency_key"});
  if (!body) return ex.fail(body.error());
  const boost::json::object& fields = body.value();
  auto source = required_integer(fields, "source_account", 0, id_max);
  if (!source) return ex.fail(source.error());
  auto amount = required_amount(fields, "amount");
  if (!amount) return ex.fail(amount.error());
  auto contributor = optional_integer(fields, "contributor", 0, id_max);
  if (!contributor) return ex.fail(contributor.error());
  auto reason = optional_string(fields, "reason", ledger::pool_text_bytes_max);
  if (!reason) return ex.fail(reason.error());
  auto key = idempotency_key(ex.request(), fields);
  if (!key) return ex.fail(key.error());
  if (auto scope = check_source_scope(ex, source.value()); !scope) return ex.fail(scope.error());
  ex.submit(ledger::Contribute{.idempotency_key = std::move(key.value()),
                               .actor = actor_of(ex),
                               .pool = pool.value(),
                               .source_account = source.value(),
                               .amount_minor = amount.value(),
                               .contributor = contributor.value(),
                               .reason = reason.value().value_or("")},
            &reply_created);
}

// 201 {id: the new version number, seq}.
void set_pool_policy(Exchange& ex) {
  auto pool = id_param(ex, "id");
  if (!pool) return ex.fail(pool.error());
  auto body = decode_body(ex.request(), pool_list_body_depth_max, {"shares", "idempotency_key"});
  if (!body) return ex.fail(body.error());
  auto shares = decode_shares(body.value());
  if (!shares) return ex.fail(shares.error());
  auto key = idempotency_key(ex.request(), body.value());
  if (!key) return ex.fail(key.error());
  ex.submit(ledger::SetAllocationPolicy{.idempotency_key = std::move(key.value()),
                                        .actor = actor_of(ex),
                                        .pool = pool.value(),
                                        .shares = std::move(shares.value())},
            &reply_created);
}

// 201 {id: the distribution, seq}. Without "amount", the whole available pool balance.
void distribute_pool(Exchange& ex) {
  auto pool = id_param(ex, "id");
  if (!pool) return ex.fail(pool.error());
  auto body = decode_body(ex.request(), flat_body_depth_max, {"amount", "idempotency_key"});
  if (!body) return ex.fail(body.error());
  auto amount = optional_amount(body.value(), "amount");
  if (!amount) return ex.fail(amount.error());
  auto key = idempotency_key(ex.request(), body.value());
  if (!key) return ex.fail(key.error());
  ex.submit(ledger::Distribute{.idempotency_key = std::move(key.value()),
                               .actor = actor_of(ex),
                               .pool = pool.value(),
                               .amount_minor = amount.value()},
            &reply_created);
}

}  // namespace pardner::api::handlers
