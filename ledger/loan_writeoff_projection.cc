// Late-fee charges, write-off approvals, write-offs and recoveries onto their tables
// (schema/0006_loan_writeoff.sql). As in ledger/loan_projection.cc, each entry is checked
// against what the log alone gives before it is stored: a late fee must be the product's, on an
// instalment it was due for; a write-off must name exactly the approvals that made its quorum and
// the principal then outstanding; recoveries never pass the principal written off.
#include <boost/json.hpp>

#include "ledger/loan_arrears.h"
#include "ledger/loan_ledger_state.h"
#include "ledger/loan_projection.h"
#include "ledger/loan_quorum.h"
#include "ledger/loan_writeoff_store.h"

namespace pardner::ledger {
namespace {

std::string at(std::int64_t loan, Seq seq) {
  return "loan " + std::to_string(loan) + " at seq " + std::to_string(seq) + ": ";
}

// The loan, refused with loan_status unless it is `status`.
Result<Loan> loan_in(Database& db, LoanId id, LoanStatus status, const std::string& where,
                     std::string_view what) {
  auto loan = load_loan(db, id);
  if (!loan) return loan;
  if (loan.value().status != status) {
    return Error{Errc::loan_status, where + std::string(what) + " while the loan is " +
                                        std::string(wire_name(loan.value().status))};
  }
  return loan;
}

}  // namespace

Result<Ok> apply_loan_late_fee_charged(Database& db, const Entry& entry) {
  const auto& f = entry.fields;
  auto loan = int_field(f, "loan");
  auto number = int_field(f, "instalment");
  auto late_fee = int_field(f, "late_fee");
  auto charged_on = string_field(f, "charged_on");
  for (const auto* field : {&loan, &number, &late_fee}) {
    if (!*field) return field->error();
  }
  if (!charged_on) return charged_on.error();
  auto on = parse_date(charged_on.value());
  if (!on) return Error{Errc::invalid_argument, "bad charged_on"};
  std::string where = at(loan.value(), entry.seq);
  auto status = loan_in(db, loan.value(), LoanStatus::disbursed, where, "late fee charged");
  if (!status) return status.error();
  auto state = load_loan_state(db, loan.value());
  if (!state) return state.error();
  // charge_late_fee refuses unless the instalment was in arrears_on(state, on).late_fees_due.
  auto charged = charge_late_fee(state.value(), number.value(), *on);
  if (!charged) return Error{charged.error().code, where + charged.error().detail};
  if (late_fee.value() != state.value().terms.late_fee_minor) {
    return Error{Errc::invalid_argument, where + "late fee of " + std::to_string(late_fee.value()) +
                                             " where the product's is " +
                                             std::to_string(state.value().terms.late_fee_minor)};
  }
  return db
      .cached(
          "INSERT INTO loan_late_fees (loan_id, number, seq, charged_on, amount_minor)"
          " VALUES (?, ?, ?, ?, ?)")
      .bind(1, loan.value())
      .bind(2, number.value())
      .bind(3, entry.seq)
      .bind(4, std::string_view(charged_on.value()))
      .bind(5, late_fee.value())
      .run();
}

Result<Ok> apply_loan_writeoff_approved(Database& db, const Entry& entry) {
  const auto& f = entry.fields;
  auto loan = int_field(f, "loan");
  auto admin = int_field(f, "admin");
  auto admin_member = optional_int_field(f, "admin_member");
  if (!loan) return loan.error();
  if (!admin) return admin.error();
  if (!admin_member) return admin_member.error();
  auto status = loan_in(db, loan.value(), LoanStatus::disbursed, at(loan.value(), entry.seq),
                        "write-off approved");
  if (!status) return status.error();
  return db
      .cached(
          "INSERT INTO loan_writeoff_approvals (loan_id, seq, admin_token, admin_member)"
          " VALUES (?, ?, ?, ?)")
      .bind(1, loan.value())
      .bind(2, entry.seq)
      .bind(3, admin.value())
      .bind(4, admin_member.value())
      .run();
}

Result<Ok> apply_loan_written_off(Database& db, const Entry& entry) {
  const auto& f = entry.fields;
  auto id = int_field(f, "loan");
  auto principal = int_field(f, "principal");
  auto transaction = optional_int_field(f, "transaction");
  if (!id) return id.error();
  if (!principal) return principal.error();
  if (!transaction) return transaction.error();
  auto named = seq_array_field(f, "approval_seqs");
  if (!named) return named.error();
  std::string where = at(id.value(), entry.seq);
  auto loan = loan_in(db, id.value(), LoanStatus::disbursed, where, "written off");
  if (!loan) return loan.error();
  auto fund = load_loan_fund(db, loan.value().fund);
  if (!fund) return fund.error();
  auto approvals = load_loan_writeoff_approvals(db, id.value());
  if (!approvals) return approvals.error();
  if (auto ok =
          check_quorum(approvals.value(), named.value(), fund.value().approval_quorum, id.value(),
                       loan.value().member, "write-off at seq " + std::to_string(entry.seq));
      !ok) {
    return ok;
  }
  auto state = load_loan_state(db, id.value());
  if (!state) return state.error();
  Minor outstanding_principal = outstanding(state.value()).principal_minor;
  if (principal.value() != outstanding_principal) {
    return Error{Errc::invalid_argument, where + "writes off " + std::to_string(principal.value()) +
                                             " of principal, the log gives " +
                                             std::to_string(outstanding_principal)};
  }
  if ((principal.value() > 0) != transaction.value().has_value()) {
    return Error{Errc::invalid_argument, where +
                                             "a write-off has a transaction exactly when it "
                                             "writes off some principal"};
  }
  auto ended = db.cached(
                     "UPDATE loans SET status = 'written_off', resolved_seq = ?"
                     " WHERE id = ? AND status = 'disbursed'")
                   .bind(1, entry.seq)
                   .bind(2, id.value())
                   .run();
  if (!ended) return ended;
  if (db.changes() != 1) return Error{Errc::loan_status, where + "written off twice"};
  return db
      .cached(
          "INSERT INTO loan_writeoffs (loan_id, seq, principal_minor, transaction_id)"
          " VALUES (?, ?, ?, ?)")
      .bind(1, id.value())
      .bind(2, entry.seq)
      .bind(3, principal.value())
      .bind(4, transaction.value())
      .run();
}

Result<Ok> apply_loan_recovered(Database& db, const Entry& entry) {
  const auto& f = entry.fields;
  auto id = int_field(f, "loan");
  auto source = int_field(f, "source_account");
  auto amount = int_field(f, "amount");
  auto transaction = int_field(f, "transaction");
  for (const auto* field : {&id, &source, &amount, &transaction}) {
    if (!*field) return field->error();
  }
  std::string where = at(id.value(), entry.seq);
  auto loan = loan_in(db, id.value(), LoanStatus::written_off, where, "recovery");
  if (!loan) return loan.error();
  auto writeoff = load_loan_writeoff(db, id.value());
  if (!writeoff) return writeoff.error();
  PARDNER_ASSERT(writeoff.value().has_value());  // written_off is set with the row, above
  Minor left = writeoff.value()->principal_minor - writeoff.value()->recovered_minor;
  if (amount.value() < 1 || amount.value() > left) {
    return Error{Errc::invalid_argument, where + "recovers " + std::to_string(amount.value()) +
                                             " where " + std::to_string(left) +
                                             " of the write-off is unrecovered"};
  }
  return db
      .cached(
          "INSERT INTO loan_recoveries (loan_id, seq, source_account, amount_minor,"
          " transaction_id) VALUES (?, ?, ?, ?, ?)")
      .bind(1, id.value())
      .bind(2, entry.seq)
      .bind(3, source.value())
      .bind(4, amount.value())
      .bind(5, transaction.value())
      .run();
}

}  // namespace pardner::ledger
