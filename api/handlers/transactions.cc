// POST /v1/transactions (admin): one transaction's body (api/handlers/transaction_body.h).
// Moves money, so an idempotency key is required (header or body field); the writer settles
// it: same key and content -> the first answer, other content -> 409.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/handlers/decode.h"
#include "api/handlers/handlers.h"
#include "api/handlers/transaction_body.h"
#include "api/limits.h"
#include "ledger/entry.h"
#include "ledger/limits.h"
#include "ledger/member_scope.h"
#include "ledger/time.h"

namespace pardner::api::handlers {

void create_transaction(Exchange& ex) {
  auto body = decode_object_body(ex.request(), transaction_body_depth_max);
  if (!body) return ex.fail(body.error());
  auto command = decode_transaction(body.value());
  if (!command) return ex.fail(command.error());
  auto key = idempotency_key(ex.request(), body.value());
  if (!key) return ex.fail(key.error());
  command.value().idempotency_key = std::move(key.value());
  ex.submit(std::move(command.value()), &reply_created);
}

}  // namespace pardner::api::handlers

// POST /v1/transactions/{id}/post {amount?, value_date?}, .../void and .../reverse {memo?}
// (admin, Idempotency-Key required: each moves money), and GET /v1/transactions/{id} (admin,
// auditor, and a member whose account a posting touches; to any other member it is missing).
namespace pardner::api::handlers {
namespace {

Decoded<std::optional<ledger::Date>> optional_date(const boost::json::object& body) {
  auto text = optional_string(body, "value_date", value_date_bytes_max);
  if (!text) return text.error();
  if (!text.value()) return std::optional<ledger::Date>{};
  auto date = ledger::parse_date(*text.value());
  if (!date) return invalid(R"("value_date" must be a date, YYYY-MM-DD)");
  return std::optional<ledger::Date>(*date);
}

Problem no_such_transaction(std::int64_t id) {
  return problem_from(
      ledger::Error{ledger::Errc::not_found, "no transaction " + std::to_string(id)});
}

}  // namespace

void post_pending(Exchange& ex) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  auto body = decode_optional_body(ex.request(), flat_body_depth_max,
                                   {"amount", "value_date", "idempotency_key"});
  if (!body) return ex.fail(body.error());
  auto amount = optional_amount(body.value(), "amount");
  if (!amount) return ex.fail(amount.error());
  if (amount.value() && *amount.value() <= 0)
    return ex.fail(invalid(R"("amount" must be positive)"));
  auto value_date = optional_date(body.value());
  if (!value_date) return ex.fail(value_date.error());
  auto key = idempotency_key(ex.request(), body.value());
  if (!key) return ex.fail(key.error());
  ex.submit(ledger::PostPending{.idempotency_key = std::move(key.value()),
                                .transaction = id.value(),
                                .amount = amount.value(),
                                .value_date = value_date.value()},
            &reply_applied);
}

void void_pending(Exchange& ex) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  auto body = decode_optional_body(ex.request(), flat_body_depth_max, {"idempotency_key"});
  if (!body) return ex.fail(body.error());
  auto key = idempotency_key(ex.request(), body.value());
  if (!key) return ex.fail(key.error());
  ex.submit(
      ledger::VoidPending{.idempotency_key = std::move(key.value()), .transaction = id.value()},
      &reply_applied);
}

void reverse_transaction(Exchange& ex) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  auto body = decode_optional_body(ex.request(), flat_body_depth_max, {"memo", "idempotency_key"});
  if (!body) return ex.fail(body.error());
  auto memo = optional_string(body.value(), "memo", ledger::memo_bytes_max);
  if (!memo) return ex.fail(memo.error());
  auto key = idempotency_key(ex.request(), body.value());
  if (!key) return ex.fail(key.error());
  // The reversal is a new transaction: 201 {id, seq} with its id.
  ex.submit(ledger::ReverseTransaction{.idempotency_key = std::move(key.value()),
                                       .transaction = id.value(),
                                       .memo = memo.value().value_or("")},
            &reply_created);
}

void get_transaction(Exchange& ex) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  auto view = ex.reader().transaction(id.value());
  if (!view) {
    if (view.error().code == ledger::Errc::not_found)
      return ex.fail(no_such_transaction(id.value()));
    return ex.fail(view.error());
  }
  const ledger::TransactionView& found = view.value();
  if (auto me = calling_member(ex)) {
    auto touches = ledger::MemberScope(ex.reader(), *me).transaction_touches(id.value());
    if (!touches) return ex.fail(touches.error());
    if (!touches.value()) return ex.fail(no_such_transaction(id.value()));
  }
  const ledger::TransactionRow& row = found.row;
  boost::json::array postings;
  for (const ledger::PostingRow& posting : found.postings) {
    postings.emplace_back(
        boost::json::object{{"account", posting.account}, {"amount", posting.amount}});
  }
  boost::json::object out{{"id", row.id},
                          {"seq", row.seq},
                          {"status", ledger::wire_name(row.status)},
                          {"value_date", ledger::format_date(row.value_date)},
                          {"postings", std::move(postings)}};
  auto memo = ledger::optional_string_field(found.entry.fields, "memo");
  out["memo"] = memo && memo.value() ? *memo.value() : std::string();
  if (const boost::json::value* metadata = found.entry.fields.if_contains("metadata")) {
    out["metadata"] = *metadata;
  }
  if (row.timeout) out["timeout"] = ledger::format_timestamp(*row.timeout);
  if (row.resolved_seq) out["resolved_seq"] = *row.resolved_seq;
  if (row.reverses) out["reverses"] = *row.reverses;
  if (row.reversed_by) out["reversed_by"] = *row.reversed_by;
  ex.reply_json(200, boost::json::serialize(out));
}

}  // namespace pardner::api::handlers
