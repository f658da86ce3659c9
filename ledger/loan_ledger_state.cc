// Rebuilding a loan's state. A stored repayment that apply_repayment now refuses, or allocates
// differently, means the derived tables disagree with the math: an invariant, not a refusal.
#include "ledger/loan_ledger_state.h"

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

  Statement& query = db.cached(
      "SELECT paid_on, amount_minor, prepaid_principal_minor FROM loan_repayments"
      " WHERE loan_id = ? ORDER BY seq");
  query.bind(1, id);
  while (true) {
    auto row = query.step();
    if (!row) return row.error();
    if (!row.value()) break;
    auto paid_on = parse_date(query.column_text(0));
    PARDNER_ASSERT(paid_on.has_value());
    auto repaid = apply_repayment(state, *paid_on, query.column_int(1));
    PARDNER_ASSERT(repaid.has_value());
    PARDNER_ASSERT(repaid.value().allocation.prepaid_principal_minor == query.column_int(2));
    state = std::move(repaid.value().after);
  }
  query.reset();
  return state;
}

}  // namespace pardner::ledger
