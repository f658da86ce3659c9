// Allocating a repayment to a loan's late fees, fees, interest and principal, and re-amortising
// the later instalments when it pays principal ahead. Pure: the same state, date and amount
// always give the same allocation, which a verifier recomputes from the log.
#pragma once

#include <cstdint>
#include <vector>

#include "ledger/error.h"
#include "ledger/loan_state.h"
#include "ledger/money.h"
#include "ledger/time.h"

namespace pardner::ledger {

// What one instalment received from a repayment.
struct AllocationLine {
  std::int64_t number = 0;
  Minor late_fee_minor = 0;
  Minor fee_minor = 0;
  Minor interest_minor = 0;
  Minor principal_minor = 0;
};

struct RepaymentAllocation {
  Minor amount_minor = 0;
  // Totals over the lines; they sum with prepaid_principal_minor to amount_minor.
  Minor late_fee_minor = 0;
  Minor fee_minor = 0;
  Minor interest_minor = 0;
  Minor principal_minor = 0;
  // Principal paid ahead of the schedule: it is on no instalment's line; the later instalments
  // were re-amortised on the smaller balance instead.
  Minor prepaid_principal_minor = 0;
  std::vector<AllocationLine> lines;  // only instalments that received something, by number
  bool closed = false;                // nothing is owed after this repayment
};

struct Repayment {
  RepaymentAllocation allocation;
  LoanState after;
};

// The most a repayment on `on` may be: everything unpaid on instalments due on or before `on`
// and on the next instalment (the period now running), plus the principal and fees of the
// instalments after it (their interest lapses when their principal is prepaid). Paying exactly
// this closes the loan, except in one degenerate case: a flat loan of fewer minor units than
// instalments, whose later instalments carry interest but no principal to prepay.
Minor repayable_on(const LoanState& state, Date on);

// Allocates `amount_minor` paid on `paid_on`:
//   1. instalments due on or before paid_on: all their late fees, oldest first; then all their
//      fees, oldest first; then interest, oldest first; then principal, oldest first;
//   2. the next instalment (the period now running, payable in advance): fee, interest,
//      principal;
//   3. anything left prepays principal: the instalments after the next are re-amortised over
//      their own due dates on the smaller balance (declining balance: a new annuity; flat: the
//      remaining flat interest scaled by new balance / old balance; zero: principal only); once
//      their principal is all prepaid, what is left pays their fees, oldest first.
// Refuses with invalid_argument, in this order: an amount outside 1..json_amount_max, a closed
// loan, a date before the disbursement, a date before the previous repayment, and an amount
// above repayable_on(state, paid_on). Late fees due by paid_on must already have been charged
// (ledger/loan_arrears.h); this function charges none.
Result<Repayment> apply_repayment(const LoanState& state, Date paid_on, Minor amount_minor);

}  // namespace pardner::ledger
