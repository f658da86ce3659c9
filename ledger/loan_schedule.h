// The repayment schedule fixed at disbursement: per instalment its due date, principal, interest
// and fee, in exact minor units. A pure function of the terms, the principal and the disbursement
// date, so a verifier recomputes it from the log alone. Never reads the clock or the database.
#pragma once

#include <cstdint>
#include <vector>

#include "ledger/error.h"
#include "ledger/loan_terms.h"
#include "ledger/money.h"
#include "ledger/time.h"

namespace pardner::ledger {

struct ScheduledInstalment {
  std::int64_t number = 0;  // 1-based
  Date due_date = 0;
  Minor principal_minor = 0;
  Minor interest_minor = 0;
  Minor fee_minor = 0;  // the upfront fee's share, when it is collected with the instalments
};

struct LoanSchedule {
  Minor principal_minor = 0;
  Date disbursement_date = 0;
  Minor upfront_fee_minor = 0;          // the whole fee, however it is collected
  Minor fee_at_disbursement_minor = 0;  // the part taken when the loan is paid out
  std::vector<ScheduledInstalment> instalments;
};

// The schedule for lending `principal_minor` on `disbursed_on` under `terms`. Refuses with
// invalid_argument, in this order: terms (validate_loan_terms), principal, a disbursement date
// outside loan_date_min..loan_date_max, an upfront fee larger than the principal, a last due date
// after loan_date_max, and a loan whose principal + interest + fees + a late fee on every
// instalment would exceed json_amount_max (so every sum over the loan is a valid JSON amount).
// Guarantees: principals sum to exactly principal_minor; fees sum to the fee collected with the
// instalments; due dates strictly increase, the first after disbursed_on.
Result<LoanSchedule> make_loan_schedule(const LoanTerms& terms, Minor principal_minor,
                                        Date disbursed_on);

// The due date of instalment `number` (1-based): weekly and fortnightly every 7 or 14 days after
// disbursement; monthly on the disbursement's day of the month, `number` calendar months later,
// clamped to the month's last day (31 Jan -> 28 or 29 Feb -> 31 Mar -> 30 Apr). Each date is
// counted from the disbursement, never from the previous due date, so a clamp does not drift.
Date instalment_due_date(LoanFrequency frequency, Date disbursed_on, std::int64_t number);

// The fee the terms charge on `principal_minor`: the fixed amount, or principal * bps / 10,000
// rounded half-up. Needs validated terms and principal.
Minor upfront_fee(const LoanTerms& terms, Minor principal_minor);

// Flat interest for the whole term: principal * rate * instalments / (10,000 * periods a year),
// rounded half-up. Zero unless the method is flat. Needs validated terms and principal.
Minor flat_interest(const LoanTerms& terms, Minor principal_minor);

// The building blocks, shared with re-amortisation after a prepayment (ledger/loan_repayment.cc).

// Splits `total_minor` (>= 0) over `count` (>= 1) instalments: each but the last takes
// total / count rounded half-up, or what is left if that is less; the last takes the rest. The
// parts sum to exactly total_minor and none is negative.
std::vector<Minor> spread_evenly(Minor total_minor, std::int64_t count);

struct InstalmentSplit {
  Minor principal_minor = 0;
  Minor interest_minor = 0;
};

// Lays `balance_minor` out over `count` consecutive instalments, the first `grace_count` of them
// interest-only (0 <= grace_count < count), by the terms' method:
//   zero: principal spread_evenly over the count - grace_count repaying instalments.
//   flat: principal as for zero; `flat_interest_minor` spread_evenly over all count.
//   declining_balance: each instalment's interest is the balance before it times the periodic
//     rate, rounded down; each repaying instalment's principal is the annuity payment
//     (ledger/loan_annuity.h: over the repaying instalments, rounded up) less that interest,
//     at most the balance; the last instalment takes the whole remaining balance. At 0% it is
//     laid out as zero.
// Principals sum to exactly balance_minor. Needs validated terms and 0..json_amount_max.
std::vector<InstalmentSplit> lay_out_instalments(const LoanTerms& terms, Minor balance_minor,
                                                 Minor flat_interest_minor,
                                                 std::int64_t grace_count, std::int64_t count);

// Flat interest still to come after a prepayment, in proportion to the principal still owed:
// interest * new_balance / old_balance rounded half-up (needs 0 <= new <= old, old > 0).
Minor scale_flat_interest(Minor interest_minor, Minor old_balance_minor, Minor new_balance_minor);

}  // namespace pardner::ledger
