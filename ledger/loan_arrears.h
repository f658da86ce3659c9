// Arrears on a date: how late the oldest unpaid instalment is, how much is overdue, the ageing
// bucket, and which instalments have passed their late-fee grace and owe a late fee (charged
// once per instalment). Pure functions of a loan's state and the date.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "ledger/error.h"
#include "ledger/loan_state.h"
#include "ledger/money.h"
#include "ledger/time.h"

namespace pardner::ledger {

// Days past due: 0 (current), 1-30, 31-60, 61-90, over 90. The values are the wire names.
enum class ArrearsBucket : std::uint8_t {
  current,
  days_1_30,
  days_31_60,
  days_61_90,
  days_over_90
};

ArrearsBucket arrears_bucket(std::int64_t days_past_due);
std::string_view wire_name(ArrearsBucket bucket);

struct Arrears {
  // `on` less the due date of the oldest instalment due before `on` with principal, interest or
  // fee unpaid; 0 when there is none. An instalment due on `on` itself is not yet overdue.
  std::int64_t days_past_due = 0;
  ArrearsBucket bucket = ArrearsBucket::current;
  // Unpaid on instalments due before `on`.
  Minor overdue_principal_minor = 0;
  Minor overdue_interest_minor = 0;
  Minor overdue_fee_minor = 0;
  Minor overdue_late_fee_minor = 0;       // late fees charged and unpaid
  Minor overdue_minor = 0;                // the sum of the four
  Minor outstanding_principal_minor = 0;  // on the whole loan (the base of PAR30)
  // Instalments whose late fee falls due: principal, interest or fee still unpaid more than
  // late_fee_grace_days after the due date, no late fee charged yet, and a non-zero late fee.
  std::vector<std::int64_t> late_fees_due;
};

// The arrears of `state` on `on`, with `state` holding every repayment made by then.
Arrears arrears_on(const LoanState& state, Date on);

// Charges the terms' late fee on instalment `number`, as on `on`. Refuses with invalid_argument
// unless the instalment is in arrears_on(state, on).late_fees_due, checking in this order: an
// unknown number, a product with no late fee, a late fee already charged, nothing unpaid, and
// grace days not yet passed.
Result<LoanState> charge_late_fee(const LoanState& state, std::int64_t number, Date on);

}  // namespace pardner::ledger
