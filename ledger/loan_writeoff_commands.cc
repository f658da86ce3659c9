// Writing a loan off by an admin quorum, and recording recoveries on it.
// WriteOffLoan's money (at quorum only) is one transaction made through CreateTransaction's apply:
// loan-loss expense debited and loans receivable credited with the principal outstanding. The
// loan's unpaid interest, fees and late fees were never booked (they are income when paid), so
// nothing else is reversed: they lapse with the loan.
// RecordRecovery's money is one transaction: the source debited, loan-loss expense credited. The
// credit goes to the expense, not to an income account, because a recovery undoes part of a loss
// the fund booked: the year's loan-loss expense then shows the net loss, and recoveries stay
// traceable to the loan by their entries.
#include <boost/json.hpp>

#include "ledger/loan_ledger_state.h"
#include "ledger/loan_quorum.h"
#include "ledger/loan_store.h"
#include "ledger/loan_writeoff_store.h"
#include "ledger/operations.h"

namespace pardner::ledger {
namespace {

boost::json::value optional_id(const std::optional<std::int64_t>& id) {
  if (id) return *id;
  return nullptr;
}

Error status_error(const Loan& loan) {
  return Error{Errc::loan_status,
               "loan " + std::to_string(loan.id) + " is " + std::string(wire_name(loan.status))};
}

}  // namespace

// Guard order: not_permitted (actor) -> not_found (loan) -> loan_status (not disbursed) ->
// self_approval -> duplicate_approval -> at quorum, the transaction's own guards.
Result<Applied> apply(WriteTxn& txn, const WriteOffLoan& command) {
  auto admin = load_admin(txn.db(), command.actor);
  if (!admin) return admin.error();
  auto loan = load_loan(txn.db(), command.loan);
  if (!loan) return loan.error();
  const Loan& l = loan.value();
  if (l.status != LoanStatus::disbursed) return status_error(l);
  const std::optional<MemberId>& admin_member = admin.value().member;
  if (admin_member == l.member) {
    return Error{Errc::self_approval, "an admin cannot write off a loan to themself"};
  }
  auto approvals = load_loan_writeoff_approvals(txn.db(), l.id);
  if (!approvals) return approvals.error();
  for (const LoanApproval& approval : approvals.value()) {
    if (same_admin(approval, command.actor, admin_member)) {
      return Error{Errc::duplicate_approval,
                   "this admin approved the write-off at seq " + std::to_string(approval.seq)};
    }
  }
  auto fund = load_loan_fund(txn.db(), l.fund);
  if (!fund) return fund.error();

  // Validated, but for the write-off transaction's own guards at quorum; a refusal there rolls
  // back this command's savepoint, the approval entry included.
  auto approved =
      txn.append(EntryKind::loan_writeoff_approved, {{"loan", l.id},
                                                     {"member", l.member},
                                                     {"admin", command.actor},
                                                     {"admin_member", optional_id(admin_member)},
                                                     {"idempotency_key", command.idempotency_key}});
  if (!approved) return approved.error();
  auto count = static_cast<std::int64_t>(approvals.value().size()) + 1;
  if (count < fund.value().approval_quorum) return Applied{approved.value().seq, l.id};

  auto state = load_loan_state(txn.db(), l.id);
  if (!state) return state.error();
  Minor principal = outstanding(state.value()).principal_minor;
  boost::json::array approval_seqs;
  for (const LoanApproval& approval : approvals.value()) approval_seqs.push_back(approval.seq);
  approval_seqs.push_back(approved.value().seq);
  boost::json::object fields{{"loan", l.id},
                             {"member", l.member},
                             {"approval_seqs", std::move(approval_seqs)},
                             {"principal", principal},
                             {"transaction", nullptr},
                             {"transaction_seq", nullptr},
                             {"idempotency_key", command.idempotency_key}};
  if (principal > 0) {
    CreateTransaction writeoff{.idempotency_key = command.idempotency_key,
                               .postings = {{fund.value().loss_expense_account, principal},
                                            {fund.value().receivable_account, -principal}},
                               .memo = "loan " + std::to_string(l.id) + " written off",
                               .metadata = {{"loan", std::to_string(l.id)}}};
    auto moved = apply(txn, writeoff);
    if (!moved) return moved.error();
    fields["transaction"] = moved.value().id;
    fields["transaction_seq"] = moved.value().seq;
  }
  auto entry = txn.append(EntryKind::loan_written_off, std::move(fields));
  if (!entry) return entry.error();
  return Applied{entry.value().seq, l.id};
}

// Guard order: invalid_argument (amount bounds) -> not_permitted (actor) -> not_found (loan) ->
// loan_status (not written off) -> not_found (source) -> account_closed -> invalid_argument
// (currency, then more than the write-off left unrecovered) -> the transaction's own guards (the
// source's floor: insufficient_funds).
Result<Applied> apply(WriteTxn& txn, const RecordRecovery& command) {
  if (command.amount_minor < 1 || command.amount_minor > json_amount_max) {
    return Error{Errc::invalid_argument,
                 "amount must be 1.." + std::to_string(json_amount_max) + " minor units"};
  }
  auto admin = load_admin(txn.db(), command.actor);
  if (!admin) return admin.error();
  auto loan = load_loan(txn.db(), command.loan);
  if (!loan) return loan.error();
  const Loan& l = loan.value();
  if (l.status != LoanStatus::written_off) return status_error(l);
  auto source = txn.account(command.source_account);
  if (!source) return source.error();
  if (source.value().closed) return Error{Errc::account_closed, "source_account is closed"};
  auto fund = load_loan_fund(txn.db(), l.fund);
  if (!fund) return fund.error();
  if (source.value().currency != fund.value().currency) {
    return Error{Errc::invalid_argument, "source_account is not in " + fund.value().currency};
  }
  auto writeoff = load_loan_writeoff(txn.db(), l.id);
  if (!writeoff) return writeoff.error();
  PARDNER_ASSERT(writeoff.value().has_value());  // the projection stores it with written_off
  Minor left = writeoff.value()->principal_minor - writeoff.value()->recovered_minor;
  if (command.amount_minor > left) {
    return Error{Errc::invalid_argument, "loan " + std::to_string(l.id) + " has " +
                                             std::to_string(left) +
                                             " minor units of its write-off unrecovered"};
  }

  // The transaction's own guards may still refuse; the writer then rolls back this command's
  // savepoint, its entries included.
  CreateTransaction recovery{
      .idempotency_key = command.idempotency_key,
      .postings = {{command.source_account, command.amount_minor},
                   {fund.value().loss_expense_account, -command.amount_minor}},
      .memo = "loan " + std::to_string(l.id) + " recovery",
      .metadata = {{"loan", std::to_string(l.id)}}};
  auto moved = apply(txn, recovery);
  if (!moved) return moved.error();
  auto entry =
      txn.append(EntryKind::loan_recovered, {{"loan", l.id},
                                             {"member", l.member},
                                             {"admin", command.actor},
                                             {"admin_member", optional_id(admin.value().member)},
                                             {"source_account", command.source_account},
                                             {"amount", command.amount_minor},
                                             {"transaction", moved.value().id},
                                             {"transaction_seq", moved.value().seq},
                                             {"idempotency_key", command.idempotency_key}});
  if (!entry) return entry.error();
  return Applied{entry.value().seq, l.id};
}

}  // namespace pardner::ledger
