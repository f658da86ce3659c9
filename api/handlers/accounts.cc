// POST /v1/accounts and POST /v1/accounts/{id}/close (admin); GET /v1/accounts (filtered,
// paged), GET /v1/accounts/{id}[?as_of=SEQ], GET /v1/accounts/{id}/statement and GET
// /v1/accounts/{id}/transactions (admin, auditor, the owning member). Another member's account
// answers 404 exactly as a missing id does, and never appears in a member's list.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <limits>

#include "api/handlers/decode.h"
#include "api/handlers/handlers.h"
#include "api/handlers/paging.h"
#include "api/limits.h"
#include "api/params.h"
#include "ledger/currency.h"
#include "ledger/limits.h"
#include "ledger/listings.h"
#include "ledger/time.h"

namespace pardner::api::handlers {
namespace {

Problem no_such_account(std::int64_t id) {
  return problem_from(ledger::Error{ledger::Errc::not_found, "no account " + std::to_string(id)});
}

// The account `id` as the caller may see it: another member's is not_found like a missing one.
Decoded<ledger::Account> visible_account(Exchange& ex, std::int64_t id) {
  auto account = ex.reader().account(id);
  if (!account) {
    if (account.error().code == ledger::Errc::not_found) return no_such_account(id);
    return problem_from(account.error());
  }
  if (auto me = calling_member(ex); me && account.value().member != *me) {
    return no_such_account(id);
  }
  return std::move(account.value());
}

// What GET /v1/accounts/{id} shows of an account, and each item of GET /v1/accounts.
boost::json::object account_json(const ledger::Account& account, const ledger::Balance& balance) {
  boost::json::object out{{"id", account.id},
                          {"code", account.code},
                          {"type", ledger::wire_name(account.type)},
                          {"currency", account.currency},
                          {"closed", account.closed},
                          {"opened_seq", account.opened_seq},
                          {"debits_posted", balance.debits_posted},
                          {"credits_posted", balance.credits_posted},
                          {"debits_pending", balance.debits_pending},
                          {"credits_pending", balance.credits_pending},
                          {"balance", balance.balance}};
  if (account.member) out["member"] = *account.member;
  if (account.floor) out["floor"] = *account.floor;
  if (account.closed_seq) out["closed_seq"] = *account.closed_seq;
  return out;
}

}  // namespace

void create_account(Exchange& ex) {
  auto body = decode_body(ex.request(), flat_body_depth_max,
                          {"code", "type", "currency", "member", "floor"});
  if (!body) return ex.fail(body.error());
  const boost::json::object& fields = body.value();
  auto code = required_string(fields, "code", ledger::account_code_bytes_max);
  if (!code) return ex.fail(code.error());
  auto type_name = required_string(fields, "type", account_type_bytes_max);
  if (!type_name) return ex.fail(type_name.error());
  auto type = ledger::account_type_from(type_name.value());
  if (!type) {
    return ex.fail(invalid(R"("type" must be asset, liability, equity, income or expense)"));
  }
  auto currency = optional_string(fields, "currency", currency_bytes_max);
  if (!currency) return ex.fail(currency.error());
  auto member = optional_integer(fields, "member", 0, std::numeric_limits<std::int64_t>::max());
  if (!member) return ex.fail(member.error());
  auto floor = optional_amount(fields, "floor");
  if (!floor) return ex.fail(floor.error());
  ex.submit(ledger::OpenAccount{.idempotency_key = ex.request().idempotency_key,
                                .code = std::move(code.value()),
                                .type = *type,
                                .currency = currency.value().value_or(""),
                                .member = member.value(),
                                .floor = floor.value()},
            &reply_created);
}

void get_account(Exchange& ex) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  auto as_of = query_integer(ex.request(), "as_of", 0, std::numeric_limits<std::int64_t>::max());
  if (!as_of) return ex.fail(as_of.error());
  // Today's balance alone needs no snapshot: the writer's published accounts, when current.
  auto account =
      as_of.value() ? ex.reader().account(id.value()) : ex.reader().current_account(id.value());
  if (!account) {
    if (account.error().code == ledger::Errc::not_found)
      return ex.fail(no_such_account(id.value()));
    return ex.fail(account.error());
  }
  const ledger::Account& found = account.value();
  if (auto me = calling_member(ex); me && found.member != *me) {
    return ex.fail(no_such_account(id.value()));
  }
  if (as_of.value()) {
    // A seq the log has not reached has no balance yet; answering today's would
    // mislead.
    auto size = ex.reader().log_size();
    if (!size) return ex.fail(size.error());
    if (*as_of.value() >= size.value()) {
      return ex.fail(problem_from(ledger::Error{
          ledger::Errc::not_found, "no entry " + std::to_string(*as_of.value()) + " yet"}));
    }
  }
  // Today's balance comes from the row just read (same snapshot); an older one is summed.
  auto balance = as_of.value() ? ex.reader().balance_as_of_seq(found.id, *as_of.value())
                               : ledger::balance_of(found);
  if (!balance) return ex.fail(balance.error());
  boost::json::object out = account_json(found, balance.value());
  if (as_of.value()) out["as_of"] = *as_of.value();
  ex.reply_json(200, boost::json::serialize(out));
}

void close_account(Exchange& ex) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  auto body = decode_optional_body(ex.request(), flat_body_depth_max, {});
  if (!body) return ex.fail(body.error());
  ex.submit(
      ledger::CloseAccount{.idempotency_key = ex.request().idempotency_key, .account = id.value()},
      &reply_applied);
}

void account_statement(Exchange& ex) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  auto limit = query_page_limit(ex.request(), ledger::statement_page_max, statement_page_default);
  if (!limit) return ex.fail(limit.error());
  std::optional<ledger::StatementCursor> after;
  if (auto cursor = ex.request().query_param("cursor")) {
    auto keys = decode_cursor(*cursor, 2, statement_cursor_chars_max);
    if (!keys) return ex.fail(keys.error());
    after = ledger::StatementCursor{keys.value()[0], keys.value()[1]};
  }
  auto account = visible_account(ex, id.value());
  if (!account) return ex.fail(account.error());
  auto page = ex.reader().statement(account.value().id, after, limit.value());
  if (!page) return ex.fail(page.error());
  boost::json::array lines;
  for (const ledger::StatementLine& line : page.value().lines) {
    lines.emplace_back(boost::json::object{{"seq", line.seq},
                                           {"transaction", line.transaction},
                                           {"amount", line.amount},
                                           {"value_date", ledger::format_date(line.value_date)},
                                           {"balance_after", line.balance_after},
                                           {"memo", line.memo}});
  }
  boost::json::object out{{"account", account.value().id}, {"lines", std::move(lines)}};
  if (const auto& next = page.value().next) {
    out["next_cursor"] = encode_cursor({next->seq, next->idx});
  }
  ex.reply_json(200, boost::json::serialize(out));
}

void list_accounts(Exchange& ex) {
  const Request& request = ex.request();
  auto limit = query_page_limit(request, ledger::list_page_max, list_page_default);
  if (!limit) return ex.fail(limit.error());
  auto after = query_cursor(request, list_cursor_chars_max);
  if (!after) return ex.fail(after.error());
  auto owner = query_integer(request, "owner", 0, std::numeric_limits<std::int64_t>::max());
  if (!owner) return ex.fail(owner.error());
  ledger::AccountFilter filter{.owner = owner.value()};
  auto type = query_text(request, "type", account_type_bytes_max);
  if (!type) return ex.fail(type.error());
  if (type.value()) {
    filter.type = ledger::account_type_from(*type.value());
    if (!filter.type) {
      return ex.fail(
          invalid("query parameter 'type' must be asset, liability, equity, income "
                  "or expense"));
    }
  }
  auto prefix = query_text(request, "code_prefix", ledger::account_code_bytes_max);
  if (!prefix) return ex.fail(prefix.error());
  filter.code_prefix = prefix.value().value_or("");
  auto currency = query_text(request, "currency", currency_bytes_max);
  if (!currency) return ex.fail(currency.error());
  if (currency.value()) {
    if (!ledger::find_currency(*currency.value())) {
      return ex.fail(invalid("query parameter 'currency' is not an ISO 4217 code"));
    }
    filter.currency = std::string(*currency.value());
  }
  auto status = query_text(request, "status", status_bytes_max);
  if (!status) return ex.fail(status.error());
  if (status.value()) {
    if (*status.value() != "open" && *status.value() != "closed") {
      return ex.fail(invalid("query parameter 'status' must be open or closed"));
    }
    filter.closed = *status.value() == "closed";
  }
  if (auto me = calling_member(ex)) {
    // A member lists only their own accounts. Asking for another member's answers the empty
    // list, exactly as an owner with no accounts does, so the answer tells nothing about them.
    if (filter.owner && *filter.owner != *me) return ex.reply_json(200, R"({"accounts":[]})");
    filter.owner = *me;
  }
  auto page = ledger::list_accounts(ex.reader().db(), filter, after.value(), limit.value());
  if (!page) return ex.fail(page.error());
  boost::json::array items;
  for (const ledger::AccountListing& listed : page.value().accounts) {
    items.emplace_back(account_json(listed.account, listed.balance));
  }
  boost::json::object out{{"accounts", std::move(items)}};
  if (page.value().next_after) out["next_cursor"] = encode_cursor({*page.value().next_after});
  ex.reply_json(200, boost::json::serialize(out));
}

void account_transactions(Exchange& ex) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  auto limit = query_page_limit(ex.request(), ledger::list_page_max, list_page_default);
  if (!limit) return ex.fail(limit.error());
  auto after = query_cursor(ex.request(), list_cursor_chars_max);
  if (!after) return ex.fail(after.error());
  auto account = visible_account(ex, id.value());
  if (!account) return ex.fail(account.error());
  auto page = ledger::list_account_transactions(ex.reader().db(), account.value().id, after.value(),
                                                limit.value());
  if (!page) return ex.fail(page.error());
  boost::json::array items;
  for (const ledger::AccountTransaction& item : page.value().transactions) {
    boost::json::object line{{"id", item.id},
                             {"seq", item.seq},
                             {"status", ledger::wire_name(item.status)},
                             {"value_date", ledger::format_date(item.value_date)},
                             {"memo", item.memo},
                             {"amount", item.amount}};
    if (item.resolved_seq) line["resolved_seq"] = *item.resolved_seq;
    items.emplace_back(std::move(line));
  }
  boost::json::object out{{"account", account.value().id}, {"transactions", std::move(items)}};
  if (page.value().next_after) out["next_cursor"] = encode_cursor({*page.value().next_after});
  ex.reply_json(200, boost::json::serialize(out));
}

}  // namespace pardner::api::handlers
