// POST /v1/transactions (admin): the simple form {debit_account,
// credit_account, amount, memo?} or the general form {postings:[{account,
// amount}], memo?, metadata?, value_date?, pending?, timeout_seconds?}. Moves
// money, so an idempotency key is required (header or body field); the writer
// settles it: same key and content -> the first answer, other content -> 409.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <limits>

#include "api/handlers/decode.h"
#include "api/handlers/handlers.h"
#include "api/limits.h"
#include "ledger/entry.h"
#include "ledger/limits.h"
#include "ledger/member_scope.h"
#include "ledger/time.h"

namespace pardner::api::handlers {
namespace {

constexpr std::int64_t id_max = std::numeric_limits<std::int64_t>::max();

Decoded<std::vector<ledger::Posting>> postings_of(const boost::json::value& value) {
  if (!value.is_array()) return invalid(R"("postings" must be an array)");
  const boost::json::array& items = value.get_array();
  if (items.size() > ledger::postings_per_transaction_max) {
    return invalid(R"("postings" has more than )" +
                   std::to_string(ledger::postings_per_transaction_max) + " items");
  }
  std::vector<ledger::Posting> postings;
  postings.reserve(items.size());
  for (const boost::json::value& item : items) {
    if (!item.is_object()) return invalid(R"(each of "postings" must be an object)");
    const boost::json::object& posting = item.get_object();
    if (auto known = refuse_unknown_fields(posting, {"account", "amount"}, "a posting: "); !known) {
      return known.error();
    }
    auto account = required_integer(posting, "account", 0, id_max);
    if (!account) return account.error();
    const boost::json::value* amount_value = posting.if_contains("amount");
    if (amount_value == nullptr) return invalid(R"(a posting's "amount" is required)");
    auto amount = amount_of(*amount_value, "amount");
    if (!amount) return amount.error();
    postings.push_back(ledger::Posting{account.value(), amount.value()});
  }
  return postings;
}

Decoded<std::vector<std::pair<std::string, std::string>>> metadata_of(
    const boost::json::value& value) {
  if (!value.is_object()) return invalid(R"("metadata" must be an object of strings)");
  const boost::json::object& items = value.get_object();
  if (items.size() > ledger::metadata_entries_max) {
    return invalid(R"("metadata" has more than )" + std::to_string(ledger::metadata_entries_max) +
                   " entries");
  }
  std::vector<std::pair<std::string, std::string>> metadata;
  for (const auto& item : items) {
    if (item.key().size() > ledger::metadata_key_bytes_max) {
      return invalid("a metadata key is longer than " +
                     std::to_string(ledger::metadata_key_bytes_max) + " bytes");
    }
    if (!item.value().is_string()) return invalid("metadata values must be strings");
    if (item.value().get_string().size() > ledger::metadata_value_bytes_max) {
      return invalid("a metadata value is longer than " +
                     std::to_string(ledger::metadata_value_bytes_max) + " bytes");
    }
    metadata.emplace_back(std::string(item.key()), std::string(item.value().get_string()));
  }
  return metadata;
}

Decoded<ledger::CreateTransaction> simple_form(const boost::json::object& body) {
  auto debit = required_integer(body, "debit_account", 0, id_max);
  if (!debit) return debit.error();
  auto credit = required_integer(body, "credit_account", 0, id_max);
  if (!credit) return credit.error();
  const boost::json::value* amount_value = body.if_contains("amount");
  if (amount_value == nullptr) return invalid(R"("amount" is required)");
  auto amount = amount_of(*amount_value, "amount");
  if (!amount) return amount.error();
  // The simple form names the direction by its fields; a sign would reverse it
  // silently.
  if (amount.value() <= 0) return invalid(R"("amount" must be positive in the simple form)");
  auto memo = optional_string(body, "memo", ledger::memo_bytes_max);
  if (!memo) return memo.error();
  return ledger::make_transfer("", debit.value(), credit.value(), amount.value(),
                               memo.value().value_or(""));
}

Decoded<ledger::CreateTransaction> general_form(const boost::json::object& body) {
  ledger::CreateTransaction command;
  auto postings = postings_of(body.at("postings"));
  if (!postings) return postings.error();
  command.postings = std::move(postings.value());
  auto memo = optional_string(body, "memo", ledger::memo_bytes_max);
  if (!memo) return memo.error();
  command.memo = memo.value().value_or("");
  if (const boost::json::value* metadata = body.if_contains("metadata")) {
    auto decoded = metadata_of(*metadata);
    if (!decoded) return decoded.error();
    command.metadata = std::move(decoded.value());
  }
  auto value_date = optional_string(body, "value_date", value_date_bytes_max);
  if (!value_date) return value_date.error();
  if (value_date.value()) {
    auto date = ledger::parse_date(*value_date.value());
    if (!date) return invalid(R"("value_date" must be a date, YYYY-MM-DD)");
    command.value_date = *date;
  }
  auto pending = optional_bool(body, "pending");
  if (!pending) return pending.error();
  command.pending = pending.value().value_or(false);
  auto timeout = optional_integer(body, "timeout_seconds", 0, ledger::pending_timeout_seconds_max);
  if (!timeout) return timeout.error();
  command.timeout_seconds = timeout.value();
  return command;
}

}  // namespace

void create_transaction(Exchange& ex) {
  // The form is chosen by "postings"; each form refuses the other's fields as
  // unknown.
  auto body =
      decode_body(ex.request(), transaction_body_depth_max,
                  {"postings", "memo", "metadata", "value_date", "pending", "timeout_seconds",
                   "idempotency_key", "debit_account", "credit_account", "amount"});
  if (!body) return ex.fail(body.error());
  const boost::json::object& fields = body.value();
  bool general = fields.contains("postings");
  auto known =
      general
          ? refuse_unknown_fields(fields,
                                  {"postings", "memo", "metadata", "value_date", "pending",
                                   "timeout_seconds", "idempotency_key"},
                                  "the postings form: ")
          : refuse_unknown_fields(
                fields, {"debit_account", "credit_account", "amount", "memo", "idempotency_key"},
                "the transfer form: ");
  if (!known) return ex.fail(known.error());
  auto command = general ? general_form(fields) : simple_form(fields);
  if (!command) return ex.fail(command.error());
  auto key = idempotency_key(ex.request(), fields);
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
