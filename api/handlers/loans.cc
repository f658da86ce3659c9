// The loan writes: POST /v1/loan-funds and /v1/loan-funds/{id}/products (admin), POST /v1/loans
// (a member for themself, an admin for any member), the actions on a loan: approve, reject,
// disburse, write-off, recoveries (admin), withdraw and repay (admin or the borrower), and
// POST /v1/loan-late-fees (admin). Each moves money or decides on
// it, so each takes an idempotency key. The actor is the bearer token's id: ledger/ decides who
// may do what (an admin cannot approve their own loan, approvals come from distinct admins);
// here a member only learns that another member's loan does not exist (404).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <limits>

#include "api/handlers/decode.h"
#include "api/handlers/handlers.h"
#include "api/limits.h"
#include "ledger/limits.h"
#include "ledger/loan_store.h"

namespace pardner::api::handlers {
namespace {

constexpr std::int64_t id_max = std::numeric_limits<std::int64_t>::max();

// The router admits only signed-in callers to these routes.
ledger::ActorToken actor_of(const Exchange& ex) { return ex.principal()->token_id; }

Problem no_such_loan(ledger::LoanId id) {
  return problem_from(ledger::Error{ledger::Errc::not_found, "no loan " + std::to_string(id)});
}

// A member acting on a loan must be its borrower: to anyone else it does not exist, exactly as a
// missing id. Admins pass; ledger/ decides what they may do.
Decoded<Ok> check_member_scope(Exchange& ex, ledger::LoanId id) {
  auto me = calling_member(ex);
  if (!me) return Ok{};
  auto loan = ledger::load_loan(ex.reader().db(), id);
  if (!loan) {
    if (loan.error().code == ledger::Errc::not_found) return no_such_loan(id);
    return problem_from(loan.error());
  }
  if (loan.value().member != *me) return no_such_loan(id);
  return Ok{};
}

// A term's wire name, parsed by `parse` (nullopt when absent: the default stands).
template <class T, class Parse>
Decoded<std::optional<T>> optional_term(const boost::json::object& body, std::string_view name,
                                        Parse parse, std::string_view allowed) {
  auto text = optional_string(body, name, loan_term_name_bytes_max);
  if (!text) return text.error();
  if (!text.value()) return std::optional<T>{};
  std::optional<T> value = parse(*text.value());
  if (!value) return invalid("\"" + std::string(name) + "\" must be " + std::string(allowed));
  return value;
}

Decoded<ledger::LoanTerms> decode_terms(const boost::json::object& body) {
  ledger::LoanTerms terms;
  auto count = required_integer(body, "instalment_count", 0, id_max);
  if (!count) return count.error();
  terms.instalment_count = count.value();
  auto frequency = optional_term<ledger::LoanFrequency>(
      body, "frequency", ledger::loan_frequency_from, "weekly, fortnightly or monthly");
  if (!frequency) return frequency.error();
  if (!frequency.value()) return invalid(R"("frequency" is required)");
  terms.frequency = *frequency.value();
  auto method = optional_term<ledger::InterestMethod>(
      body, "interest_method", ledger::interest_method_from, "zero, flat or declining_balance");
  if (!method) return method.error();
  if (!method.value()) return invalid(R"("interest_method" is required)");
  terms.interest_method = *method.value();
  auto rate = optional_integer(body, "annual_rate_bps", 0, id_max);
  if (!rate) return rate.error();
  terms.annual_rate_bps = rate.value().value_or(0);
  auto fee_kind = optional_term<ledger::UpfrontFeeKind>(
      body, "upfront_fee_kind", ledger::upfront_fee_kind_from, "none, fixed or basis_points");
  if (!fee_kind) return fee_kind.error();
  terms.upfront_fee_kind = fee_kind.value().value_or(ledger::UpfrontFeeKind::none);
  auto fee_value = optional_integer(body, "upfront_fee_value", 0, id_max);
  if (!fee_value) return fee_value.error();
  terms.upfront_fee_value = fee_value.value().value_or(0);
  auto collection = optional_term<ledger::FeeCollection>(
      body, "fee_collection", ledger::fee_collection_from, "at_disbursement or with_instalments");
  if (!collection) return collection.error();
  terms.fee_collection = collection.value().value_or(ledger::FeeCollection::at_disbursement);
  auto grace = optional_integer(body, "grace_instalments", 0, id_max);
  if (!grace) return grace.error();
  terms.grace_instalments = grace.value().value_or(0);
  auto late_fee = optional_amount(body, "late_fee");
  if (!late_fee) return late_fee.error();
  terms.late_fee_minor = late_fee.value().value_or(0);
  auto late_days = optional_integer(body, "late_fee_grace_days", 0, id_max);
  if (!late_days) return late_days.error();
  terms.late_fee_grace_days = late_days.value().value_or(0);
  return terms;
}

// {approval_seqs: [seq, ...]}: 1..approval_seqs_max entry seqs.
Decoded<std::vector<ledger::Seq>> decode_approval_seqs(const boost::json::object& body) {
  const boost::json::value* value = body.if_contains("approval_seqs");
  if (value == nullptr) return invalid(R"("approval_seqs" is required)");
  const boost::json::array* seqs = value->if_array();
  if (seqs == nullptr || seqs->empty() || seqs->size() > approval_seqs_max) {
    return invalid(R"("approval_seqs" must be an array of 1 to )" +
                   std::to_string(approval_seqs_max) + " entry seqs");
  }
  std::vector<ledger::Seq> out;
  for (const boost::json::value& seq : *seqs) {
    const std::int64_t* number = seq.if_int64();
    if (number == nullptr || *number < 0) {
      return invalid(R"("approval_seqs" must hold entry seqs, integers from 0)");
    }
    out.push_back(*number);
  }
  return out;
}

// The loan actions whose body holds at most an idempotency key: the command is the key, the actor
// and the loan. With `borrower_may_act`, a member acting must be the loan's borrower.
template <class Command>
void submit_loan_action(Exchange& ex, bool borrower_may_act) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  auto body = decode_optional_body(ex.request(), flat_body_depth_max, {"idempotency_key"});
  if (!body) return ex.fail(body.error());
  auto key = idempotency_key(ex.request(), body.value());
  if (!key) return ex.fail(key.error());
  if (borrower_may_act) {
    if (auto scope = check_member_scope(ex, id.value()); !scope) return ex.fail(scope.error());
  }
  ex.submit(
      Command{.idempotency_key = std::move(key.value()), .actor = actor_of(ex), .loan = id.value()},
      &reply_applied);
}

}  // namespace

void create_loan_fund(Exchange& ex) {
  auto body =
      decode_body(ex.request(), flat_body_depth_max,
                  {"currency", "cash_account", "receivable_account", "interest_income_account",
                   "fee_income_account", "loss_expense_account", "capital_account",
                   "approval_quorum", "loan_max", "cash_share_max_bps", "idempotency_key"});
  if (!body) return ex.fail(body.error());
  const boost::json::object& fields = body.value();
  ledger::CreateLoanFund command{.actor = actor_of(ex)};
  auto currency = required_string(fields, "currency", currency_bytes_max);
  if (!currency) return ex.fail(currency.error());
  command.currency = std::move(currency.value());
  struct Field {
    std::string_view name;
    ledger::AccountId* into;
  };
  for (Field field : {Field{"cash_account", &command.cash_account},
                      Field{"receivable_account", &command.receivable_account},
                      Field{"interest_income_account", &command.interest_income_account},
                      Field{"fee_income_account", &command.fee_income_account},
                      Field{"loss_expense_account", &command.loss_expense_account},
                      Field{"capital_account", &command.capital_account}}) {
    auto id = required_integer(fields, field.name, 0, id_max);
    if (!id) return ex.fail(id.error());
    *field.into = id.value();
  }
  auto quorum = optional_integer(fields, "approval_quorum", 0, id_max);
  if (!quorum) return ex.fail(quorum.error());
  if (quorum.value()) command.approval_quorum = *quorum.value();
  auto max = required_amount(fields, "loan_max");
  if (!max) return ex.fail(max.error());
  command.loan_max_minor = max.value();
  auto share = optional_integer(fields, "cash_share_max_bps", 0, id_max);
  if (!share) return ex.fail(share.error());
  if (share.value()) command.cash_share_max_bps = *share.value();
  auto key = idempotency_key(ex.request(), fields);
  if (!key) return ex.fail(key.error());
  command.idempotency_key = std::move(key.value());
  ex.submit(std::move(command), &reply_created);
}

void create_loan_product(Exchange& ex) {
  auto fund = id_param(ex, "id");
  if (!fund) return ex.fail(fund.error());
  auto body =
      decode_body(ex.request(), flat_body_depth_max,
                  {"instalment_count", "frequency", "interest_method", "annual_rate_bps",
                   "upfront_fee_kind", "upfront_fee_value", "fee_collection", "grace_instalments",
                   "late_fee", "late_fee_grace_days", "idempotency_key"});
  if (!body) return ex.fail(body.error());
  auto terms = decode_terms(body.value());
  if (!terms) return ex.fail(terms.error());
  auto key = idempotency_key(ex.request(), body.value());
  if (!key) return ex.fail(key.error());
  ex.submit(ledger::CreateLoanProduct{.idempotency_key = std::move(key.value()),
                                      .actor = actor_of(ex),
                                      .fund = fund.value(),
                                      .terms = terms.value()},
            &reply_created);
}

void apply_for_loan(Exchange& ex) {
  auto body = decode_body(
      ex.request(), flat_body_depth_max,
      {"fund", "product", "member", "payout_account", "principal", "purpose", "idempotency_key"});
  if (!body) return ex.fail(body.error());
  const boost::json::object& fields = body.value();
  auto fund = required_integer(fields, "fund", 0, id_max);
  if (!fund) return ex.fail(fund.error());
  auto product = required_integer(fields, "product", 0, id_max);
  if (!product) return ex.fail(product.error());
  auto member = optional_integer(fields, "member", 0, id_max);
  if (!member) return ex.fail(member.error());
  // Without "member", the loan is for the caller's own member: a member's token, or an admin's
  // that names a member (who then needs two other admins). Other admins name the borrower.
  std::optional<ledger::MemberId> borrower = member.value();
  if (!borrower) borrower = ex.principal()->member;
  if (!borrower) return ex.fail(invalid(R"("member" is required)"));
  auto payout = required_integer(fields, "payout_account", 0, id_max);
  if (!payout) return ex.fail(payout.error());
  auto amount = required_amount(fields, "principal");
  if (!amount) return ex.fail(amount.error());
  auto purpose = optional_string(fields, "purpose", ledger::loan_text_bytes_max);
  if (!purpose) return ex.fail(purpose.error());
  auto key = idempotency_key(ex.request(), fields);
  if (!key) return ex.fail(key.error());
  ex.submit(ledger::ApplyForLoan{.idempotency_key = std::move(key.value()),
                                 .actor = actor_of(ex),
                                 .fund = fund.value(),
                                 .product = product.value(),
                                 .member = *borrower,
                                 .payout_account = payout.value(),
                                 .principal_minor = amount.value(),
                                 .purpose = purpose.value().value_or("")},
            &reply_created);
}

// 200 {id: the loan, seq: the approval entry}; the seq is what a disbursement names.
void approve_loan(Exchange& ex) { submit_loan_action<ledger::ApproveLoan>(ex, false); }

void reject_loan(Exchange& ex) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  auto body = decode_body(ex.request(), flat_body_depth_max, {"reason", "idempotency_key"});
  if (!body) return ex.fail(body.error());
  auto reason = required_string(body.value(), "reason", ledger::loan_text_bytes_max);
  if (!reason) return ex.fail(reason.error());
  auto key = idempotency_key(ex.request(), body.value());
  if (!key) return ex.fail(key.error());
  ex.submit(ledger::RejectLoan{.idempotency_key = std::move(key.value()),
                               .actor = actor_of(ex),
                               .loan = id.value(),
                               .reason = std::move(reason.value())},
            &reply_applied);
}

void withdraw_loan(Exchange& ex) { submit_loan_action<ledger::WithdrawLoan>(ex, true); }

void disburse_loan(Exchange& ex) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  auto body = decode_body(ex.request(), loan_body_depth_max,
                          {"approval_seqs", "value_date", "idempotency_key"});
  if (!body) return ex.fail(body.error());
  auto seqs = decode_approval_seqs(body.value());
  if (!seqs) return ex.fail(seqs.error());
  auto value_date = optional_date(body.value(), "value_date");
  if (!value_date) return ex.fail(value_date.error());
  auto key = idempotency_key(ex.request(), body.value());
  if (!key) return ex.fail(key.error());
  ex.submit(ledger::DisburseLoan{.idempotency_key = std::move(key.value()),
                                 .actor = actor_of(ex),
                                 .loan = id.value(),
                                 .approval_seqs = std::move(seqs.value()),
                                 .value_date = value_date.value()},
            &reply_applied);
}

void repay_loan(Exchange& ex) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  auto body = decode_body(ex.request(), flat_body_depth_max,
                          {"source_account", "amount", "value_date", "idempotency_key"});
  if (!body) return ex.fail(body.error());
  const boost::json::object& fields = body.value();
  auto source = required_integer(fields, "source_account", 0, id_max);
  if (!source) return ex.fail(source.error());
  auto amount = required_amount(fields, "amount");
  if (!amount) return ex.fail(amount.error());
  auto value_date = optional_date(fields, "value_date");
  if (!value_date) return ex.fail(value_date.error());
  auto key = idempotency_key(ex.request(), fields);
  if (!key) return ex.fail(key.error());
  if (auto scope = check_member_scope(ex, id.value()); !scope) return ex.fail(scope.error());
  ex.submit(ledger::RepayLoan{.idempotency_key = std::move(key.value()),
                              .actor = actor_of(ex),
                              .loan = id.value(),
                              .source_account = source.value(),
                              .amount_minor = amount.value(),
                              .value_date = value_date.value()},
            &reply_applied);
}

// One admin's approval toward writing the loan off; the one that reaches the fund's quorum writes
// the outstanding principal off. 200 {id: the loan, seq: this approval's entry}.
void write_off_loan(Exchange& ex) { submit_loan_action<ledger::WriteOffLoan>(ex, false); }

void record_recovery(Exchange& ex) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  auto body = decode_body(ex.request(), flat_body_depth_max,
                          {"source_account", "amount", "idempotency_key"});
  if (!body) return ex.fail(body.error());
  const boost::json::object& fields = body.value();
  auto source = required_integer(fields, "source_account", 0, id_max);
  if (!source) return ex.fail(source.error());
  auto amount = required_amount(fields, "amount");
  if (!amount) return ex.fail(amount.error());
  auto key = idempotency_key(ex.request(), fields);
  if (!key) return ex.fail(key.error());
  ex.submit(ledger::RecordRecovery{.idempotency_key = std::move(key.value()),
                                   .actor = actor_of(ex),
                                   .loan = id.value(),
                                   .source_account = source.value(),
                                   .amount_minor = amount.value()},
            &reply_created);
}

// Charges the late fees due on `as_of` (default today) on every disbursed loan, or on `loan`:
// 200 {"charged": instalments charged, "seq": the last charge's entry, or -1}. Charging twice
// charges nothing more; a caller that sees late_fee_charges_per_command_max charged runs it again.
void charge_late_fees(Exchange& ex) {
  auto body =
      decode_optional_body(ex.request(), flat_body_depth_max, {"as_of", "loan", "idempotency_key"});
  if (!body) return ex.fail(body.error());
  auto as_of = optional_date(body.value(), "as_of");
  if (!as_of) return ex.fail(as_of.error());
  auto loan = optional_integer(body.value(), "loan", 0, id_max);
  if (!loan) return ex.fail(loan.error());
  auto key = idempotency_key(ex.request(), body.value());
  if (!key) return ex.fail(key.error());
  ex.submit(ledger::ChargeLateFees{.idempotency_key = std::move(key.value()),
                                   .actor = actor_of(ex),
                                   .as_of = as_of.value(),
                                   .loan = loan.value()},
            [](Exchange& done_ex, const ledger::Result<ledger::Applied>& done) {
              if (!done) return done_ex.fail(done.error());
              boost::json::object out{{"charged", done.value().id}, {"seq", done.value().seq}};
              done_ex.reply_json(200, boost::json::serialize(out));
            });
}

}  // namespace pardner::api::handlers
