// The co-operative dividend routes: POST /v1/dividends (admin: declare and pay one), and the reads
// GET /v1/dividends/{id} (the report), /v1/dividends/{id}/lines (every member's line, paged) for
// admins and auditors, and /v1/dividends/{id}/statements/{member} for those and that member alone
// (another member's answers 404, as a missing one does). Who holds shares, the split and where it
// is paid are ledger/'s (dividend_plan.cc); here bodies are decoded and figures encoded.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <limits>

#include "api/handlers/decode.h"
#include "api/handlers/handlers.h"
#include "api/handlers/paging.h"
#include "api/handlers/read_snapshot.h"
#include "api/limits.h"
#include "ledger/dividend_commands.h"
#include "ledger/dividend_reports.h"
#include "ledger/limits.h"

namespace pardner::api::handlers {
namespace {

namespace json = boost::json;

constexpr std::int64_t id_max = std::numeric_limits<std::int64_t>::max();

json::object dividend_json(const ledger::Dividend& d) {
  json::array transactions;
  for (const ledger::DividendTransactionRef& t : d.transactions) {
    transactions.emplace_back(json::object{{"transaction", t.transaction}, {"seq", t.seq}});
  }
  return {{"id", d.id},
          {"source_pool", optional_json(d.source_pool)},
          {"source_account", d.source_account},
          {"currency", d.currency},
          {"share_prefix", d.share_prefix},
          {"payout_prefix", optional_json(d.payout_prefix)},
          {"as_of_seq", d.as_of_seq},
          {"rate_bps", optional_json(d.rate_bps)},
          {"amount", d.amount_minor},
          {"total_shares", d.total_shares},
          {"seq", d.seq},
          {"transactions", std::move(transactions)}};
}

json::object line_json(const ledger::DividendLineRow& line) {
  return {{"share_account", line.share_account},
          {"member", line.member},
          {"shares", line.shares},
          {"payout_account", line.payout_account},
          {"amount", line.amount_minor},
          {"transaction", optional_json(line.transaction)}};
}

}  // namespace

// 201 {id: the dividend, seq: the dividend_declared entry}. The body mirrors DeclareDividend:
// exactly one source and exactly one of amount and rate_bps, which the ledger checks with the
// rest (its refusal table is in docs/pools.md "Dividends").
void declare_dividend(Exchange& ex) {
  auto body = decode_body(ex.request(), flat_body_depth_max,
                          {"source_pool", "source_account", "share_prefix", "payout_prefix",
                           "as_of_seq", "amount", "rate_bps", "idempotency_key"});
  if (!body) return ex.fail(body.error());
  const json::object& fields = body.value();
  auto source_pool = optional_integer(fields, "source_pool", 0, id_max);
  if (!source_pool) return ex.fail(source_pool.error());
  auto source_account = optional_integer(fields, "source_account", 0, id_max);
  if (!source_account) return ex.fail(source_account.error());
  auto share_prefix = required_string(fields, "share_prefix", ledger::dividend_prefix_bytes_max);
  if (!share_prefix) return ex.fail(share_prefix.error());
  auto payout_prefix = optional_string(fields, "payout_prefix", ledger::dividend_prefix_bytes_max);
  if (!payout_prefix) return ex.fail(payout_prefix.error());
  auto as_of_seq = required_integer(fields, "as_of_seq", 0, id_max);
  if (!as_of_seq) return ex.fail(as_of_seq.error());
  auto amount = optional_amount(fields, "amount");
  if (!amount) return ex.fail(amount.error());
  auto rate = optional_integer(fields, "rate_bps", 0, id_max);
  if (!rate) return ex.fail(rate.error());
  auto key = idempotency_key(ex.request(), fields);
  if (!key) return ex.fail(key.error());
  ex.submit(ledger::DeclareDividend{.idempotency_key = std::move(key.value()),
                                    .actor = ex.principal()->token_id,
                                    .source_pool = source_pool.value(),
                                    .source_account = source_account.value(),
                                    .share_prefix = std::move(share_prefix.value()),
                                    .payout_prefix = std::move(payout_prefix.value()),
                                    .as_of_seq = as_of_seq.value(),
                                    .amount_minor = amount.value(),
                                    .rate_bps = rate.value()},
            &reply_created);
}

// The dividend, its inputs and transactions, the number of lines and members paid, the total.
void get_dividend(Exchange& ex) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  ledger::Database& db = ex.reader().db();
  ReadSnapshot snapshot(db);
  if (!snapshot.ok()) return ex.fail(no_snapshot());
  auto report = ledger::dividend_report(db, id.value());
  if (!report) {
    return ex.fail(from_ledger(report.error(), "dividend " + std::to_string(id.value())));
  }
  const ledger::DividendReport& r = report.value();
  json::object out = dividend_json(r.dividend);
  out["lines"] = r.lines;
  out["members_paid"] = r.members_paid;
  out["paid"] = r.paid_minor;
  ex.reply_json(200, json::serialize(out));
}

// {dividend, lines: [...], next_cursor?}, by share account id after ?cursor= (the last shown).
// The lines are read whole and cut here, as a pool's lists are: at most
// ledger::dividend_share_accounts_max of them, all of one dividend.
void dividend_lines(Exchange& ex) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  auto after = query_cursor(ex.request(), list_cursor_chars_max);
  if (!after) return ex.fail(after.error());
  auto limit = query_page_limit(ex.request(), ledger::list_page_max, list_page_default);
  if (!limit) return ex.fail(limit.error());
  ledger::Database& db = ex.reader().db();
  ReadSnapshot snapshot(db);
  if (!snapshot.ok()) return ex.fail(no_snapshot());
  const std::string what = "dividend " + std::to_string(id.value());
  auto dividend = ledger::load_dividend(db, id.value());
  if (!dividend) return ex.fail(from_ledger(dividend.error(), what));
  auto lines = ledger::load_dividend_lines(db, id.value());
  if (!lines) return ex.fail(lines.error());
  json::array page;
  std::optional<ledger::AccountId> last;
  bool more = false;
  for (const ledger::DividendLineRow& line : lines.value()) {
    if (after.value() && line.share_account <= *after.value()) continue;
    if (page.size() == limit.value()) {
      more = true;
      break;
    }
    page.emplace_back(line_json(line));
    last = line.share_account;
  }
  json::object out{{"dividend", id.value()}, {"lines", std::move(page)}};
  if (more && last) out["next_cursor"] = encode_cursor({*last});
  ex.reply_json(200, json::serialize(out));
}

// How one member's payout was computed: amount * shares / total_shares = floor + remainder /
// total_shares, whether they got a leftover unit, and what was paid where. A member's token sees
// only its own member's (any other, like one who held no shares, answers 404).
void dividend_statement(Exchange& ex) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  auto member = id_param(ex, "member");
  if (!member) return ex.fail(member.error());
  const std::string what = "statement of member " + std::to_string(member.value()) +
                           " in dividend " + std::to_string(id.value());
  if (auto me = calling_member(ex); me && *me != member.value()) {
    return ex.fail(problem_from(ledger::Error{ledger::Errc::not_found, "no " + what}));
  }
  ledger::Database& db = ex.reader().db();
  ReadSnapshot snapshot(db);
  if (!snapshot.ok()) return ex.fail(no_snapshot());
  auto statement = ledger::dividend_statement(db, id.value(), member.value());
  if (!statement) return ex.fail(from_ledger(statement.error(), what));
  const ledger::DividendStatement& s = statement.value();
  json::object out{{"dividend", s.dividend},
                   {"member", s.member},
                   {"share_account", s.share_account},
                   {"as_of_seq", s.as_of_seq},
                   {"shares", s.shares},
                   {"total_shares", s.total_shares},
                   {"amount", s.amount_minor},
                   {"floor", s.floor_minor},
                   {"remainder", s.remainder},
                   {"leftover_unit", s.leftover_unit},
                   {"paid", s.paid_minor},
                   {"payout_account", s.payout_account},
                   {"transaction", optional_json(s.transaction)},
                   {"transaction_seq", optional_json(s.transaction_seq)}};
  ex.reply_json(200, json::serialize(out));
}

}  // namespace pardner::api::handlers
