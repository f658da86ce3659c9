// Loan entries onto the loan tables. A status change names the states it may leave, so a log
// that approves a rejected loan (or the like) fails replay instead of being applied. What the log
// alone determines is recomputed and compared, not copied: a disbursement's quorum and a
// repayment's allocation (ledger/loan_writeoff_projection.cc does the same for late fees and
// write-offs), so `pardner verify` refuses a log whose writer broke the fund's rules.
#include "ledger/loan_projection.h"

#include <boost/json.hpp>

#include "ledger/loan_ledger_state.h"
#include "ledger/loan_quorum.h"
#include "ledger/loan_repayment.h"
#include "ledger/loan_schedule.h"
#include "ledger/loan_store.h"

namespace pardner::ledger {
namespace {

Result<Ok> expect_one_change(Database& db, std::string_view what) {
  if (db.changes() != 1) return Error{Errc::loan_status, std::string(what) + " applies to no loan"};
  return Ok{};
}

// "loan L at seq S: " for the details of refusals that name both.
std::string at(std::int64_t loan, Seq seq) {
  return "loan " + std::to_string(loan) + " at seq " + std::to_string(seq) + ": ";
}

// The allocation apply_repayment gives from the state the log gives, field by field against the
// entry's; the first difference refuses.
Result<Ok> check_allocation(const boost::json::object& f, const RepaymentAllocation& a,
                            const std::string& where) {
  const std::pair<const char*, Minor> expected[] = {
      {"late_fee", a.late_fee_minor},
      {"fee", a.fee_minor},
      {"interest", a.interest_minor},
      {"principal", a.principal_minor},
      {"prepaid_principal", a.prepaid_principal_minor}};
  for (const auto& [name, value] : expected) {
    auto stated = int_field(f, name);
    if (!stated) return stated.error();
    if (stated.value() != value) {
      return Error{Errc::invalid_argument, where + "the entry allocates " +
                                               std::to_string(stated.value()) + " to " + name +
                                               ", the log gives " + std::to_string(value)};
    }
  }
  return Ok{};
}

}  // namespace

Result<Ok> apply_loan_fund_created(Database& db, const Entry& entry) {
  const auto& f = entry.fields;
  auto fund = int_field(f, "fund");
  auto currency = string_field(f, "currency");
  auto cash = int_field(f, "cash_account");
  auto receivable = int_field(f, "receivable_account");
  auto interest = int_field(f, "interest_income_account");
  auto fee = int_field(f, "fee_income_account");
  auto loss = int_field(f, "loss_expense_account");
  auto capital = int_field(f, "capital_account");
  auto quorum = int_field(f, "approval_quorum");
  auto loan_max = int_field(f, "loan_max");
  auto share = int_field(f, "cash_share_max_bps");
  for (const auto* field : {&fund, &cash, &receivable, &interest, &fee, &loss, &capital, &quorum,
                            &loan_max, &share}) {
    if (!*field) return field->error();
  }
  if (!currency) return currency.error();
  return db.cached(
             "INSERT INTO loan_funds (id, currency, cash_account, receivable_account,"
             " interest_income_account, fee_income_account, loss_expense_account,"
             " capital_account, approval_quorum, loan_max_minor, cash_share_max_bps, created_seq)"
             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, fund.value())
      .bind(2, std::string_view(currency.value()))
      .bind(3, cash.value())
      .bind(4, receivable.value())
      .bind(5, interest.value())
      .bind(6, fee.value())
      .bind(7, loss.value())
      .bind(8, capital.value())
      .bind(9, quorum.value())
      .bind(10, loan_max.value())
      .bind(11, share.value())
      .bind(12, entry.seq)
      .run();
}

Result<Ok> apply_loan_product_created(Database& db, const Entry& entry) {
  const auto& f = entry.fields;
  auto product = int_field(f, "product");
  auto fund = int_field(f, "fund");
  auto count = int_field(f, "instalment_count");
  auto rate = int_field(f, "annual_rate_bps");
  auto fee_value = int_field(f, "upfront_fee_value");
  auto grace = int_field(f, "grace_instalments");
  auto late_fee = int_field(f, "late_fee");
  auto late_days = int_field(f, "late_fee_grace_days");
  for (const auto* field : {&product, &fund, &count, &rate, &fee_value, &grace, &late_fee,
                            &late_days}) {
    if (!*field) return field->error();
  }
  auto frequency = string_field(f, "frequency");
  auto method = string_field(f, "interest_method");
  auto fee_kind = string_field(f, "upfront_fee_kind");
  auto collection = string_field(f, "fee_collection");
  for (const auto* field : {&frequency, &method, &fee_kind, &collection}) {
    if (!*field) return field->error();
  }
  return db.cached(
             "INSERT INTO loan_products (id, fund_id, instalment_count, frequency,"
             " interest_method, annual_rate_bps, upfront_fee_kind, upfront_fee_value,"
             " fee_collection, grace_instalments, late_fee_minor, late_fee_grace_days,"
             " created_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, product.value())
      .bind(2, fund.value())
      .bind(3, count.value())
      .bind(4, std::string_view(frequency.value()))
      .bind(5, std::string_view(method.value()))
      .bind(6, rate.value())
      .bind(7, std::string_view(fee_kind.value()))
      .bind(8, fee_value.value())
      .bind(9, std::string_view(collection.value()))
      .bind(10, grace.value())
      .bind(11, late_fee.value())
      .bind(12, late_days.value())
      .bind(13, entry.seq)
      .run();
}

Result<Ok> apply_loan_applied(Database& db, const Entry& entry) {
  const auto& f = entry.fields;
  auto loan = int_field(f, "loan");
  auto fund = int_field(f, "fund");
  auto product = int_field(f, "product");
  auto member = int_field(f, "member");
  auto payout = int_field(f, "payout_account");
  auto principal = int_field(f, "principal");
  auto by = int_field(f, "applied_by");
  for (const auto* field : {&loan, &fund, &product, &member, &payout, &principal, &by}) {
    if (!*field) return field->error();
  }
  return db.cached(
             "INSERT INTO loans (id, fund_id, product_id, member_id, payout_account,"
             " principal_minor, status, applied_seq, applied_by_token)"
             " VALUES (?, ?, ?, ?, ?, ?, 'applied', ?, ?)")
      .bind(1, loan.value())
      .bind(2, fund.value())
      .bind(3, product.value())
      .bind(4, member.value())
      .bind(5, payout.value())
      .bind(6, principal.value())
      .bind(7, entry.seq)
      .bind(8, by.value())
      .run();
}

Result<Ok> apply_loan_approved(Database& db, const Entry& entry) {
  const auto& f = entry.fields;
  auto loan = int_field(f, "loan");
  auto admin = int_field(f, "admin");
  auto admin_member = optional_int_field(f, "admin_member");
  auto reservation = optional_int_field(f, "reservation");
  if (!loan) return loan.error();
  if (!admin) return admin.error();
  if (!admin_member) return admin_member.error();
  if (!reservation) return reservation.error();
  auto inserted = db.cached(
                        "INSERT INTO loan_approvals (loan_id, seq, admin_token, admin_member)"
                        " VALUES (?, ?, ?, ?)")
                      .bind(1, loan.value())
                      .bind(2, entry.seq)
                      .bind(3, admin.value())
                      .bind(4, admin_member.value())
                      .run();
  if (!inserted) return inserted;
  if (!reservation.value()) return Ok{};
  auto approved = db.cached(
                        "UPDATE loans SET status = 'approved', approved_seq = ?,"
                        " reservation_transaction = ? WHERE id = ? AND status = 'applied'")
                      .bind(1, entry.seq)
                      .bind(2, *reservation.value())
                      .bind(3, loan.value())
                      .run();
  if (!approved) return approved;
  return expect_one_change(db, "loan_approved");
}

Result<Ok> apply_loan_closed_early(Database& db, const Entry& entry, std::string_view status) {
  auto loan = int_field(entry.fields, "loan");
  if (!loan) return loan.error();
  auto closed = db.cached(
                      "UPDATE loans SET status = ?, resolved_seq = ?"
                      " WHERE id = ? AND status IN ('applied', 'approved')")
                    .bind(1, status)
                    .bind(2, entry.seq)
                    .bind(3, loan.value())
                    .run();
  if (!closed) return closed;
  return expect_one_change(db, wire_name(entry.kind));
}

// The schedule is recomputed here from the product's terms, the principal and the value date,
// never copied from the command: the log alone determines it, for the writer and replay alike.
Result<Ok> apply_loan_disbursed(Database& db, const Entry& entry) {
  auto id = int_field(entry.fields, "loan");
  auto payout = int_field(entry.fields, "payout");
  auto value_date = string_field(entry.fields, "value_date");
  if (!id) return id.error();
  if (!payout) return payout.error();
  if (!value_date) return value_date.error();
  auto date = parse_date(value_date.value());
  if (!date) return Error{Errc::invalid_argument, "bad value_date"};
  auto named = seq_array_field(entry.fields, "approval_seqs");
  if (!named) return named.error();
  auto loan = load_loan(db, id.value());
  if (!loan) return loan.error();
  auto fund = load_loan_fund(db, loan.value().fund);
  if (!fund) return fund.error();
  auto approvals = load_loan_approvals(db, id.value());
  if (!approvals) return approvals.error();
  if (auto ok =
          check_quorum(approvals.value(), named.value(), fund.value().approval_quorum, id.value(),
                       loan.value().member, "disbursement at seq " + std::to_string(entry.seq));
      !ok) {
    return ok;
  }
  auto product = load_loan_product(db, loan.value().product);
  if (!product) return product.error();
  auto schedule = make_loan_schedule(product.value().terms, loan.value().principal_minor, *date);
  if (!schedule) return schedule.error();
  auto disbursed = db.cached(
                         "UPDATE loans SET status = 'disbursed', disbursed_seq = ?,"
                         " disbursement_date = ?, payout_transaction = ?"
                         " WHERE id = ? AND status = 'approved'")
                       .bind(1, entry.seq)
                       .bind(2, std::string_view(value_date.value()))
                       .bind(3, payout.value())
                       .bind(4, id.value())
                       .run();
  if (!disbursed) return disbursed;
  if (auto one = expect_one_change(db, "loan_disbursed"); !one) return one;
  for (const ScheduledInstalment& instalment : schedule.value().instalments) {
    auto inserted = db.cached(
                          "INSERT INTO loan_instalments (loan_id, number, due_date,"
                          " principal_minor, interest_minor, fee_minor) VALUES (?, ?, ?, ?, ?, ?)")
                        .bind(1, id.value())
                        .bind(2, instalment.number)
                        .bind(3, std::string_view(format_date(instalment.due_date)))
                        .bind(4, instalment.principal_minor)
                        .bind(5, instalment.interest_minor)
                        .bind(6, instalment.fee_minor)
                        .run();
    if (!inserted) return inserted;
  }
  return Ok{};
}

// Recomputes the allocation with apply_repayment from the state the log gives (the schedule, the
// earlier repayments and late fees) and refuses the entry unless it states exactly that
// allocation and `closed` flag; then stores it.
Result<Ok> apply_loan_repaid(Database& db, const Entry& entry) {
  const auto& f = entry.fields;
  auto loan = int_field(f, "loan");
  auto amount = int_field(f, "amount");
  auto late_fee = int_field(f, "late_fee");
  auto fee = int_field(f, "fee");
  auto interest = int_field(f, "interest");
  auto principal = int_field(f, "principal");
  auto prepaid = int_field(f, "prepaid_principal");
  auto transaction = int_field(f, "transaction");
  for (const auto* field :
       {&loan, &amount, &late_fee, &fee, &interest, &principal, &prepaid, &transaction}) {
    if (!*field) return field->error();
  }
  auto paid_on = string_field(f, "paid_on");
  if (!paid_on) return paid_on.error();
  const auto* closed = f.if_contains("closed");
  if (closed == nullptr || !closed->is_bool()) {
    return Error{Errc::invalid_argument, "missing closed flag"};
  }
  auto paid_date = parse_date(paid_on.value());
  if (!paid_date) return Error{Errc::invalid_argument, "bad paid_on"};
  std::string where = at(loan.value(), entry.seq);
  auto state = load_loan_state(db, loan.value());
  if (!state) return Error{state.error().code, where + state.error().detail};
  auto status = load_loan(db, loan.value());
  if (!status) return status.error();
  if (status.value().status != LoanStatus::disbursed) {
    return Error{Errc::loan_status,
                 where + "repaid while " + std::string(wire_name(status.value().status))};
  }
  auto repaid = apply_repayment(state.value(), *paid_date, amount.value());
  if (!repaid) return Error{repaid.error().code, where + repaid.error().detail};
  if (auto ok = check_allocation(f, repaid.value().allocation, where); !ok) return ok;
  if (repaid.value().allocation.closed != closed->get_bool()) {
    return Error{Errc::invalid_argument, where + "the entry says closed is " +
                                             (closed->get_bool() ? "true" : "false") +
                                             ", the log gives the opposite"};
  }
  auto inserted =
      db.cached(
            "INSERT INTO loan_repayments (loan_id, seq, paid_on, amount_minor, late_fee_minor,"
            " fee_minor, interest_minor, principal_minor, prepaid_principal_minor,"
            " transaction_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
          .bind(1, loan.value())
          .bind(2, entry.seq)
          .bind(3, std::string_view(paid_on.value()))
          .bind(4, amount.value())
          .bind(5, late_fee.value())
          .bind(6, fee.value())
          .bind(7, interest.value())
          .bind(8, principal.value())
          .bind(9, prepaid.value())
          .bind(10, transaction.value())
          .run();
  if (!inserted) return inserted;
  if (!closed->get_bool()) return Ok{};
  auto ended = db.cached(
                     "UPDATE loans SET status = 'repaid', resolved_seq = ?"
                     " WHERE id = ? AND status = 'disbursed'")
                   .bind(1, entry.seq)
                   .bind(2, loan.value())
                   .run();
  if (!ended) return ended;
  return expect_one_change(db, "loan_repaid");
}

}  // namespace pardner::ledger
