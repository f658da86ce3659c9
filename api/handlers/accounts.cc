// POST /v1/accounts and POST /v1/accounts/{id}/close (admin); GET
// /v1/accounts/{id}[?as_of=SEQ] and GET /v1/accounts/{id}/statement?cursor=&limit= (admin,
// auditor, the owning member). Another member's account answers 404 exactly as a missing id
// does.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <limits>

#include "api/handlers/decode.h"
#include "api/handlers/handlers.h"
#include "api/limits.h"
#include "api/params.h"
#include "crypto/base64.h"
#include "ledger/limits.h"
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

// Statement cursors are opaque to clients: unpadded base64url (RFC 4648 §5) of "SEQ.IDX".
std::string encode_cursor(const ledger::StatementCursor& cursor) {
  std::string text = std::to_string(cursor.seq) + "." + std::to_string(cursor.idx);
  std::string out =
      crypto::base64_encode({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

Decoded<ledger::StatementCursor> decode_cursor(std::string_view cursor) {
  Problem bad = invalid("query parameter 'cursor' is not a cursor this server gave");
  if (cursor.empty() || cursor.size() > statement_cursor_chars_max) return bad;
  std::string text(cursor);
  for (char& c : text) {
    if (c == '+' || c == '/' || c == '=') return bad;  // base64url only, unpadded
    c = c == '-' ? '+' : c == '_' ? '/' : c;
  }
  while (text.size() % 4 != 0) text += '=';
  auto bytes = crypto::base64_decode(text);
  if (!bytes) return bad;
  std::string plain(bytes.value().begin(), bytes.value().end());
  auto dot = plain.find('.');
  if (dot == std::string::npos) return bad;
  auto seq = parse_decimal(std::string_view(plain).substr(0, dot), 0,
                           std::numeric_limits<std::int64_t>::max());
  auto idx = parse_decimal(std::string_view(plain).substr(dot + 1), 0,
                           std::numeric_limits<std::int64_t>::max());
  if (!seq || !idx) return bad;
  return ledger::StatementCursor{*seq, *idx};
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
  auto account = ex.reader().account(id.value());
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
  auto balance = as_of.value() ? ex.reader().balance_as_of_seq(found.id, *as_of.value())
                               : ex.reader().balance(found.id);
  if (!balance) return ex.fail(balance.error());
  boost::json::object out{{"id", found.id},
                          {"code", found.code},
                          {"type", ledger::wire_name(found.type)},
                          {"currency", found.currency},
                          {"closed", found.closed},
                          {"opened_seq", found.opened_seq},
                          {"debits_posted", balance.value().debits_posted},
                          {"credits_posted", balance.value().credits_posted},
                          {"debits_pending", balance.value().debits_pending},
                          {"credits_pending", balance.value().credits_pending},
                          {"balance", balance.value().balance}};
  if (found.member) out["member"] = *found.member;
  if (found.floor) out["floor"] = *found.floor;
  if (found.closed_seq) out["closed_seq"] = *found.closed_seq;
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
  auto limit =
      query_integer(ex.request(), "limit", 1, static_cast<std::int64_t>(ledger::statement_page_max),
                    static_cast<std::int64_t>(statement_page_default));
  if (!limit) return ex.fail(limit.error());
  std::optional<ledger::StatementCursor> after;
  if (auto cursor = ex.request().query_param("cursor")) {
    auto decoded = decode_cursor(*cursor);
    if (!decoded) return ex.fail(decoded.error());
    after = decoded.value();
  }
  auto account = visible_account(ex, id.value());
  if (!account) return ex.fail(account.error());
  auto page =
      ex.reader().statement(account.value().id, after, static_cast<std::size_t>(*limit.value()));
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
  if (page.value().next) out["next_cursor"] = encode_cursor(*page.value().next);
  ex.reply_json(200, boost::json::serialize(out));
}

}  // namespace pardner::api::handlers
