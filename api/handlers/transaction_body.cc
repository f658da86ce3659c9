// One transaction's body, as POST /v1/transactions and each item of POST /v1/transactions/batch
// take it: the simple form {debit_account, credit_account, amount, memo?} or the general form
// {postings:[{account, amount}], memo?, metadata?, value_date?, pending?, timeout_seconds?}.
// Decodes only; the ledger decides whether the money may move.
#include "api/handlers/transaction_body.h"

#include <boost/json/array.hpp>
#include <limits>

#include "api/limits.h"
#include "ledger/limits.h"
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

Decoded<ledger::CreateTransaction> decode_transaction(const boost::json::object& fields) {
  // The form is chosen by "postings"; each form refuses the other's fields as unknown.
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
  if (!known) return known.error();
  return general ? general_form(fields) : simple_form(fields);
}

}  // namespace pardner::api::handlers
