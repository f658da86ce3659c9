// Repaying a disbursed loan. Guard order: invalid_argument (amount bounds) -> not_found (loan,
// then source account) -> not_permitted (actor) -> loan_closed (repaid or written off) ->
// loan_status (not disbursed) -> account_closed (source) -> invalid_argument (currency, value
// date; apply_repayment's: before the previous repayment, above what is repayable) -> the
// transaction's guards (the source's floor: insufficient_funds).
// The money is one transaction made through CreateTransaction's apply: the source debited,
// late fees and fees credited to fee income, interest to interest income, principal (scheduled
// and prepaid) to loans receivable.
#include <boost/json.hpp>

#include "ledger/loan_ledger_state.h"
#include "ledger/loan_repayment.h"
#include "ledger/loan_store.h"
#include "ledger/operations.h"
#include "ledger/validation.h"

namespace pardner::ledger {
namespace {

// An admin may record any repayment; the borrower only from an account of their own.
Result<Ok> check_repayer(WriteTxn& txn, const RepayLoan& command, const Loan& loan,
                         const Account& source) {
  auto actor = load_actor(txn.db(), command.actor);
  if (!actor) return actor.error();
  if (actor.value().role == Role::admin) return Ok{};
  if (actor.value().role == Role::member && actor.value().member == loan.member &&
      source.member == loan.member) {
    return Ok{};
  }
  return Error{Errc::not_permitted, "only an admin or the borrower may repay this loan"};
}

Result<Ok> add_leg(std::vector<Posting>& postings, AccountId account, Minor credit) {
  if (credit == 0) return Ok{};
  auto negated = checked_negate(credit);
  if (!negated) return negated.error();
  postings.push_back({account, negated.value()});
  return Ok{};
}

}  // namespace

Result<Applied> apply(WriteTxn& txn, const RepayLoan& command) {
  if (command.amount_minor < 1 || command.amount_minor > json_amount_max) {
    return Error{Errc::invalid_argument,
                 "amount must be 1.." + std::to_string(json_amount_max) + " minor units"};
  }
  auto loan = load_loan(txn.db(), command.loan);
  if (!loan) return loan.error();
  const Loan& l = loan.value();
  auto source = txn.account(command.source_account);
  if (!source) return source.error();
  if (auto ok = check_repayer(txn, command, l, source.value()); !ok) return ok.error();
  if (l.status == LoanStatus::repaid || l.status == LoanStatus::written_off) {
    return Error{Errc::loan_closed, "loan " + std::to_string(l.id) + " is " +
                                        std::string(wire_name(l.status))};
  }
  if (l.status != LoanStatus::disbursed) {
    return Error{Errc::loan_status,
                 "loan " + std::to_string(l.id) + " is " + std::string(wire_name(l.status))};
  }
  auto fund = load_loan_fund(txn.db(), l.fund);
  if (!fund) return fund.error();
  if (source.value().closed) return Error{Errc::account_closed, "source_account is closed"};
  if (source.value().currency != fund.value().currency) {
    return Error{Errc::invalid_argument, "source_account is not in " + fund.value().currency};
  }
  if (command.value_date) {
    auto ok = check_value_date(*command.value_date, txn.now(), txn.settings());
    if (!ok) return ok.error();
  }
  Date paid_on = command.value_date.value_or(date_of(txn.now()));
  auto state = load_loan_state(txn.db(), l.id);
  if (!state) return state.error();
  auto repaid = apply_repayment(state.value(), paid_on, command.amount_minor);
  if (!repaid) return repaid.error();
  const RepaymentAllocation& a = repaid.value().allocation;
  auto fees = checked_add(a.late_fee_minor, a.fee_minor);
  auto principal = checked_add(a.principal_minor, a.prepaid_principal_minor);
  if (!fees) return fees.error();
  if (!principal) return principal.error();

  CreateTransaction repayment{
      .idempotency_key = command.idempotency_key,
      .postings = {{command.source_account, command.amount_minor}},
      .memo = "loan " + std::to_string(l.id) + " repayment",
      .metadata = {{"loan", std::to_string(l.id)}},
      .value_date = paid_on};
  if (auto ok = add_leg(repayment.postings, fund.value().fee_income_account, fees.value()); !ok) {
    return ok.error();
  }
  if (auto ok = add_leg(repayment.postings, fund.value().interest_income_account,
                        a.interest_minor);
      !ok) {
    return ok.error();
  }
  if (auto ok = add_leg(repayment.postings, fund.value().receivable_account, principal.value());
      !ok) {
    return ok.error();
  }
  // The transaction's own guards (the source's floor) may still refuse; the writer then rolls
  // back this command's savepoint, its entries included.
  auto moved = apply(txn, repayment);
  if (!moved) return moved.error();
  auto entry = txn.append(EntryKind::loan_repaid,
                          {{"loan", l.id},
                           {"member", l.member},
                           {"actor", command.actor},
                           {"source_account", command.source_account},
                           {"amount", command.amount_minor},
                           {"paid_on", format_date(paid_on)},
                           {"late_fee", a.late_fee_minor},
                           {"fee", a.fee_minor},
                           {"interest", a.interest_minor},
                           {"principal", a.principal_minor},
                           {"prepaid_principal", a.prepaid_principal_minor},
                           {"closed", a.closed},
                           {"transaction", moved.value().id},
                           {"transaction_seq", moved.value().seq},
                           {"idempotency_key", command.idempotency_key}});
  if (!entry) return entry.error();
  return Applied{entry.value().seq, l.id};
}

}  // namespace pardner::ledger
