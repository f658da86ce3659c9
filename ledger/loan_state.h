// A disbursed loan as it stands: per instalment what is owed (the schedule, re-amortised after
// prepayments, plus a late fee once charged) and what has been paid. A plain value that
// repayments and late fees replace with a new one, so replaying the log rebuilds it exactly.
#pragma once

#include <cstdint>
#include <vector>

#include "ledger/loan_schedule.h"
#include "ledger/loan_terms.h"
#include "ledger/money.h"
#include "ledger/time.h"

namespace pardner::ledger {

struct InstalmentState {
  std::int64_t number = 0;  // 1-based
  Date due_date = 0;
  // Owed.
  Minor principal_minor = 0;
  Minor interest_minor = 0;
  Minor fee_minor = 0;
  Minor late_fee_minor = 0;  // 0 until charged
  bool late_fee_charged = false;
  // Paid so far; each at most what is owed.
  Minor principal_paid_minor = 0;
  Minor interest_paid_minor = 0;
  Minor fee_paid_minor = 0;
  Minor late_fee_paid_minor = 0;
};

struct LoanState {
  LoanTerms terms;
  Minor principal_minor = 0;  // the amount lent
  Date disbursement_date = 0;
  Date last_payment_date = 0;  // the disbursement date until the first repayment
  // Principal repaid ahead of the schedule; the instalments' principals sum to the amount lent
  // less this.
  Minor prepaid_principal_minor = 0;
  std::vector<InstalmentState> instalments;
};

// The state at disbursement: the schedule's instalments, nothing paid.
LoanState start_loan(const LoanTerms& terms, const LoanSchedule& schedule);

// Principal, interest and fee owed on the instalment and not yet paid (its late fee excluded).
Minor unpaid_scheduled(const InstalmentState& instalment);
// The same with the unpaid late fee.
Minor unpaid_total(const InstalmentState& instalment);

struct LoanOutstanding {
  Minor principal_minor = 0;
  Minor interest_minor = 0;  // as scheduled; interest on later instalments lapses on prepayment
  Minor fee_minor = 0;
  Minor late_fee_minor = 0;
  Minor total_minor = 0;
};

// Everything the current schedule still asks for, whatever its due dates.
LoanOutstanding outstanding(const LoanState& state);

// True when nothing at all is owed: the loan is closed and refuses repayments.
bool is_closed(const LoanState& state);

}  // namespace pardner::ledger
