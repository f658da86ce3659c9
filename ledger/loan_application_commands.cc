// A loan from application to approval, or to its end before disbursement (rejected, withdrawn).
// The approval that completes the fund's quorum reserves the principal from the fund's cash as
// an ordinary pending transaction, made by the same command through CreateTransaction's own
// apply (so floors, balance and overflow guards are the transaction machinery's); a rejection
// or withdrawal voids it through VoidPending's. Each command's loan entry follows the entries of
// the money it moved and names them.
#include <boost/json.hpp>

#include "ledger/limits.h"
#include "ledger/loan_schedule.h"
#include "ledger/loan_store.h"
#include "ledger/operations.h"
#include "ledger/validation.h"

namespace pardner::ledger {
namespace {

boost::json::value optional_id(const std::optional<std::int64_t>& id) {
  if (id) return *id;
  return nullptr;
}

// A loan that has not been disbursed may still be approved, rejected or withdrawn.
Result<Loan> open_loan(WriteTxn& txn, LoanId id, std::initializer_list<LoanStatus> allowed) {
  auto loan = load_loan(txn.db(), id);
  if (!loan) return loan;
  for (LoanStatus status : allowed) {
    if (loan.value().status == status) return loan;
  }
  return Error{Errc::loan_status,
               "loan " + std::to_string(id) + " is " + std::string(wire_name(loan.value().status))};
}

// The member may apply for themself; an admin for anyone. Auditors change nothing.
Result<Principal> check_applicant(WriteTxn& txn, const ApplyForLoan& command) {
  auto actor = load_actor(txn.db(), command.actor);
  if (!actor) return actor;
  if (actor.value().role == Role::admin) return actor;
  if (actor.value().role == Role::member && actor.value().member == command.member) return actor;
  return Error{Errc::not_permitted, "only the member or an admin may apply for this loan"};
}

Result<Ok> check_payout_account(WriteTxn& txn, const ApplyForLoan& command,
                                const LoanFund& fund) {
  auto account = txn.account(command.payout_account);
  if (!account) return account.error();
  if (account.value().closed) return Error{Errc::account_closed, "payout_account is closed"};
  if (account.value().currency != fund.currency) {
    return Error{Errc::invalid_argument, "payout_account is not in " + fund.currency};
  }
  // Another member's account would pay this loan to someone else.
  if (account.value().member && *account.value().member != command.member) {
    return Error{Errc::invalid_argument, "payout_account belongs to another member"};
  }
  return Ok{};
}

// The principal fits the fund's cash now: at most the available cash, and at most the fund's
// share of it per loan (principal * 10,000 <= available * share_bps, in exact integers).
Result<Ok> check_cash(WriteTxn& txn, const LoanFund& fund, Minor principal) {
  auto available = available_cash(txn.db(), fund);
  if (!available) return available.error();
  if (principal > available.value()) {
    return Error{Errc::insufficient_funds, "the fund has " + std::to_string(available.value()) +
                                               " minor units of cash available"};
  }
  auto wanted = checked_mul(principal, 10'000);
  auto allowed = checked_mul(available.value(), fund.cash_share_max_bps);
  if (!wanted) return wanted.error();
  if (!allowed) return allowed.error();
  if (wanted.value() > allowed.value()) {
    return Error{Errc::insufficient_funds,
                 "one loan may take at most " + std::to_string(fund.cash_share_max_bps) +
                     " bps of the available cash"};
  }
  return Ok{};
}

// Voids the loan's reservation, if it has one; the id of the voiding entry's transaction.
Result<std::optional<Seq>> release_reservation(WriteTxn& txn, const Loan& loan,
                                               const std::string& key) {
  if (!loan.reservation_transaction) return std::optional<Seq>{};
  auto voided =
      apply(txn, VoidPending{.idempotency_key = key, .transaction = *loan.reservation_transaction});
  if (!voided) return voided.error();
  return std::optional<Seq>{voided.value().seq};
}

}  // namespace

Result<Applied> apply(WriteTxn& txn, const ApplyForLoan& command) {
  if (auto ok = validate_loan_principal(command.principal_minor); !ok) return ok.error();
  if (auto ok = check_text("purpose", command.purpose, loan_text_bytes_max); !ok) {
    return ok.error();
  }
  auto actor = check_applicant(txn, command);
  if (!actor) return actor.error();
  auto fund = load_loan_fund(txn.db(), command.fund);
  if (!fund) return fund.error();
  auto product = load_loan_product(txn.db(), command.product);
  if (!product) return product.error();
  if (product.value().fund != command.fund) {
    return Error{Errc::not_found, "fund " + std::to_string(command.fund) + " has no product " +
                                      std::to_string(command.product)};
  }
  auto member = load_member_status(txn.db(), command.member);
  if (!member) return member.error();
  if (member.value() != MemberStatus::active) {
    return Error{Errc::not_permitted, "member " + std::to_string(command.member) + " is " +
                                          std::string(wire_name(member.value()))};
  }
  if (auto ok = check_payout_account(txn, command, fund.value()); !ok) return ok.error();
  if (command.principal_minor > fund.value().loan_max_minor) {
    return Error{Errc::invalid_argument, "the fund lends at most " +
                                             std::to_string(fund.value().loan_max_minor) +
                                             " minor units"};
  }
  // The whole schedule must fit the product's bounds (fee no larger than the principal, totals
  // within JSON's exact integers); its dates are fixed only at disbursement.
  auto schedule =
      make_loan_schedule(product.value().terms, command.principal_minor, date_of(txn.now()));
  if (!schedule) return schedule.error();
  auto id = next_id(txn.db(), "SELECT max(id) FROM loans");
  if (!id) return id.error();

  // Validated. From here on a failure is storage_failed.
  auto entry = txn.append(EntryKind::loan_applied,
                          {{"loan", id.value()},
                           {"fund", command.fund},
                           {"product", command.product},
                           {"member", command.member},
                           {"payout_account", command.payout_account},
                           {"principal", command.principal_minor},
                           {"purpose", command.purpose},
                           {"applied_by", command.actor},
                           {"applied_by_member", optional_id(actor.value().member)},
                           {"idempotency_key", command.idempotency_key}});
  if (!entry) return entry.error();
  return Applied{entry.value().seq, id.value()};
}

// Guard order: not_permitted (actor) -> not_found (loan) -> loan_status (not applied) ->
// self_approval -> duplicate_approval -> at quorum: insufficient_funds (available cash, then the
// fund's share per loan) and the transaction's own guards.
Result<Applied> apply(WriteTxn& txn, const ApproveLoan& command) {
  auto admin = load_admin(txn.db(), command.actor);
  if (!admin) return admin.error();
  auto loan = open_loan(txn, command.loan, {LoanStatus::applied});
  if (!loan) return loan.error();
  const std::optional<MemberId>& admin_member = admin.value().member;
  if (admin_member == loan.value().member) {
    return Error{Errc::self_approval, "an admin cannot approve a loan to themself"};
  }
  auto approvals = load_loan_approvals(txn.db(), command.loan);
  if (!approvals) return approvals.error();
  for (const LoanApproval& approval : approvals.value()) {
    if (same_admin(approval, command.actor, admin_member)) {
      return Error{Errc::duplicate_approval,
                   "this admin approved the loan at seq " + std::to_string(approval.seq)};
    }
  }
  auto fund = load_loan_fund(txn.db(), loan.value().fund);
  if (!fund) return fund.error();
  boost::json::object fields{{"loan", command.loan},
                             {"member", loan.value().member},
                             {"admin", command.actor},
                             {"admin_member", optional_id(admin_member)},
                             {"idempotency_key", command.idempotency_key}};
  auto count = static_cast<std::int64_t>(approvals.value().size()) + 1;
  if (count >= fund.value().approval_quorum) {
    Minor principal = loan.value().principal_minor;
    if (auto ok = check_cash(txn, fund.value(), principal); !ok) return ok.error();
    CreateTransaction reservation{
        .idempotency_key = command.idempotency_key,
        .postings = {{fund.value().receivable_account, principal},
                     {fund.value().cash_account, -principal}},
        .memo = "loan " + std::to_string(command.loan) + " approved: principal reserved",
        .metadata = {{"loan", std::to_string(command.loan)}},
        .pending = true};
    // The reservation's own guards may still refuse (a floor on the cash account, say); the
    // writer then rolls back this command's savepoint, its entries included.
    auto reserved = apply(txn, reservation);
    if (!reserved) return reserved.error();
    fields["reservation"] = reserved.value().id;
    fields["reservation_seq"] = reserved.value().seq;
  }

  // Validated. From here on a failure is storage_failed.
  auto entry = txn.append(EntryKind::loan_approved, std::move(fields));
  if (!entry) return entry.error();
  return Applied{entry.value().seq, command.loan};
}

// Guard order: not_permitted -> invalid_argument (reason) -> not_found -> loan_status.
Result<Applied> apply(WriteTxn& txn, const RejectLoan& command) {
  auto admin = load_admin(txn.db(), command.actor);
  if (!admin) return admin.error();
  if (auto ok = check_text("reason", command.reason, loan_text_bytes_max); !ok) {
    return ok.error();
  }
  auto loan = open_loan(txn, command.loan, {LoanStatus::applied, LoanStatus::approved});
  if (!loan) return loan.error();

  // Validated. From here on a failure is storage_failed.
  auto voided = release_reservation(txn, loan.value(), command.idempotency_key);
  if (!voided) return voided.error();
  auto entry = txn.append(EntryKind::loan_rejected,
                          {{"loan", command.loan},
                           {"member", loan.value().member},
                           {"admin", command.actor},
                           {"admin_member", optional_id(admin.value().member)},
                           {"reason", command.reason},
                           {"voided_seq", optional_id(voided.value())},
                           {"idempotency_key", command.idempotency_key}});
  if (!entry) return entry.error();
  return Applied{entry.value().seq, command.loan};
}

// Guard order: not_found (loan) -> not_permitted (not the applicant member) -> loan_status.
Result<Applied> apply(WriteTxn& txn, const WithdrawLoan& command) {
  auto loan = load_loan(txn.db(), command.loan);
  if (!loan) return loan.error();
  auto actor = load_actor(txn.db(), command.actor);
  if (!actor) return actor.error();
  if (actor.value().member != loan.value().member || actor.value().role == Role::auditor) {
    return Error{Errc::not_permitted, "only the applicant may withdraw the loan"};
  }
  auto open = open_loan(txn, command.loan, {LoanStatus::applied, LoanStatus::approved});
  if (!open) return open.error();

  // Validated. From here on a failure is storage_failed.
  auto voided = release_reservation(txn, open.value(), command.idempotency_key);
  if (!voided) return voided.error();
  auto entry = txn.append(EntryKind::loan_withdrawn,
                          {{"loan", command.loan},
                           {"member", open.value().member},
                           {"by", command.actor},
                           {"voided_seq", optional_id(voided.value())},
                           {"idempotency_key", command.idempotency_key}});
  if (!entry) return entry.error();
  return Applied{entry.value().seq, command.loan};
}

}  // namespace pardner::ledger
