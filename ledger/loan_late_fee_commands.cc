// Charging late fees. Guard order: not_permitted (an actor that is not an admin; 0 is the
// writer's own scheduled run) -> invalid_argument (as_of after today or before the value-date
// window) -> not_found (the loan, when one is named) -> loan_status (it is not disbursed). Then
// every instalment in arrears_on(state, as_of).late_fees_due is charged, one entry each, up to
// late_fee_charges_per_command_max. A charge moves no money: a late fee is income when it is paid,
// as interest is, so the entry only makes the next repayment pay it first.
#include <boost/json.hpp>

#include "ledger/limits.h"
#include "ledger/loan_arrears.h"
#include "ledger/loan_ledger_state.h"
#include "ledger/loan_store.h"
#include "ledger/operations.h"
#include "ledger/validation.h"

namespace pardner::ledger {
namespace {

// The loans to look at: the one named, or every disbursed loan, by id.
Result<std::vector<Loan>> loans_to_charge(WriteTxn& txn, const ChargeLateFees& command) {
  if (command.loan) {
    auto loan = load_loan(txn.db(), *command.loan);
    if (!loan) return loan.error();
    if (loan.value().status != LoanStatus::disbursed) {
      return Error{Errc::loan_status, "loan " + std::to_string(*command.loan) + " is " +
                                          std::string(wire_name(loan.value().status))};
    }
    return std::vector<Loan>{loan.value()};
  }
  Statement& query = txn.db().cached("SELECT id FROM loans WHERE status = 'disbursed' ORDER BY id");
  std::vector<LoanId> ids;
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) break;
    ids.push_back(query.column_int(0));
  }
  query.reset();
  std::vector<Loan> loans;
  for (LoanId id : ids) {
    auto loan = load_loan(txn.db(), id);
    if (!loan) return loan.error();
    loans.push_back(std::move(loan.value()));
  }
  return loans;
}

}  // namespace

Result<Applied> apply(WriteTxn& txn, const ChargeLateFees& command) {
  std::optional<MemberId> actor_member;
  if (command.actor != 0) {
    auto admin = load_admin(txn.db(), command.actor);
    if (!admin) return admin.error();
    actor_member = admin.value().member;
  }
  Date as_of = command.as_of.value_or(date_of(txn.now()));
  if (command.as_of) {
    if (auto ok = check_value_date(*command.as_of, txn.now(), txn.settings()); !ok) {
      return ok.error();
    }
  }
  auto loans = loans_to_charge(txn, command);
  if (!loans) return loans.error();

  // Validated. From here on a failure is storage_failed: every charge below is due by
  // arrears_on, which the projection checks again through charge_late_fee.
  Applied applied{.seq = -1, .id = 0};
  for (const Loan& loan : loans.value()) {
    auto state = load_loan_state(txn.db(), loan.id);
    if (!state) return state.error();
    for (std::int64_t number : arrears_on(state.value(), as_of).late_fees_due) {
      if (applied.id == late_fee_charges_per_command_max) return applied;
      boost::json::object fields{{"loan", loan.id},
                                 {"member", loan.member},
                                 {"instalment", number},
                                 {"charged_on", format_date(as_of)},
                                 {"late_fee", state.value().terms.late_fee_minor},
                                 {"idempotency_key", command.idempotency_key}};
      if (command.actor != 0) {
        fields["charged_by"] = command.actor;
        fields["charged_by_member"] = actor_member ? boost::json::value(*actor_member) : nullptr;
      } else {
        fields["charged_by"] = nullptr;
        fields["charged_by_member"] = nullptr;
      }
      auto entry = txn.append(EntryKind::loan_late_fee_charged, std::move(fields));
      if (!entry) return entry.error();
      applied.seq = entry.value().seq;
      applied.id += 1;
    }
  }
  return applied;
}

}  // namespace pardner::ledger
