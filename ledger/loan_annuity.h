// The level payment of a declining-balance (annuity) loan, exact to the minor unit.
// Exact rational arithmetic over arbitrary-size naturals: no floating point, no approximation,
// so every verifier that follows the formula below gets the same payment.
#pragma once

#include <cstdint>

#include "ledger/money.h"

namespace pardner::ledger {

// The level payment that repays `balance_minor` in `instalment_count` equal instalments at the
// periodic rate r = annual_rate_bps / (10,000 * periods_per_year), rounded up to the minor unit:
//   payment = ceil(B * r / (1 - (1 + r)^-n)),   or ceil(B / n) when r = 0.
// Rounded up, not to nearest, so that with interest rounded down (ledger/loan_schedule.h) the
// scheduled balance never rises above the exact annuity's: the loan cannot stall or balloon.
// Needs balance 0..json_amount_max, count 1..loan_instalments_max, rate 0..loan_rate_bps_max and
// 12, 26 or 52 periods a year; these are asserted, because callers validate the terms first.
// The result is at most 2 * balance (the rate is below 100% a period), so it cannot fail.
Minor annuity_payment(Minor balance_minor, std::int64_t annual_rate_bps,
                      std::int64_t periods_per_year, std::int64_t instalment_count);

}  // namespace pardner::ledger
