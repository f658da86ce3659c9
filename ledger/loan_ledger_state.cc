// Rebuilding a loan's state. A stored repayment that apply_repayment now refuses, or allocates
// differently, or a stored late fee charge_late_fee refuses, means the derived tables disagree with
// the math: an invariant, not a refusal.
#include "ledger/loan_ledger_state.h"

#include "ledger/loan_arrears.h"
#include "ledger/loan_repayment.h"

namespace pardner::ledger {

Result<LoanState> load_loan_state(Database& db, LoanId id) {
  auto loan = load_loan(db, id);
  if (!loan) return loan.error();
  if (!loan.value().disbursement_date) {
    return Error{Errc::loan_status, "loan " + std::to_string(id) + " was not disbursed"};
  }
  auto product = load_loan_product(db, loan.value().product);
  if (!product) return product.error();
  auto instalments = load_loan_instalments(db, id);
  if (!instalments) return instalments.error();
  LoanSchedule schedule;
  schedule.principal_minor = loan.value().principal_minor;
  schedule.disbursement_date = *loan.value().disbursement_date;
  schedule.instalments = std::move(instalments.value());
  LoanState state = start_loan(product.value().terms, schedule);

  // Repayments and late-fee charges in log order: a charge changes what the next repayment pays.
  Statement& query = db.cached(
      "SELECT seq, 0, paid_on, amount_minor, prepaid_principal_minor FROM loan_repayments"
      " WHERE loan_id = ?1 UNION ALL"
      " SELECT seq, 1, charged_on, number, amount_minor FROM loan_late_fees WHERE loan_id = ?1"
      " ORDER BY 1");
  query.bind(1, id);
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) break;
    auto on = parse_date(query.column_text(2));
    PARDNER_ASSERT(on.has_value());
    if (query.column_int(1) == 1) {
      auto charged = charge_late_fee(state, query.column_int(3), *on);
      PARDNER_ASSERT(charged.has_value());
      PARDNER_ASSERT(state.terms.late_fee_minor == query.column_int(4));
      state = std::move(charged.value());
      continue;
    }
    auto repaid = apply_repayment(state, *on, query.column_int(3));
    PARDNER_ASSERT(repaid.has_value());
    PARDNER_ASSERT(repaid.value().allocation.prepaid_principal_minor == query.column_int(4));
    state = std::move(repaid.value().after);
  }
  query.reset();
  return state;
}

}  // namespace pardner::ledger
