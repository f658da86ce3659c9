// The one home of arithmetic on amounts. Money is a count of minor units in an int64; every
// +, -, * and negation on it goes through these checked functions. No floating point here.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "crypto/invariant.h"
#include "ledger/error.h"

namespace pardner::ledger {

using Minor = std::int64_t;  // a count of minor units (pence, cents); never a double

// JSON numbers are exact only up to 2^53 - 1 in most clients; amounts beyond are refused.
inline constexpr Minor json_amount_max = (Minor{1} << 53) - 1;

inline Result<Minor> checked_add(Minor a, Minor b) {
  Minor sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) {
    return Error{Errc::overflow, "sum does not fit in a 64-bit balance"};
  }
  return sum;
}

inline Result<Minor> checked_sub(Minor a, Minor b) {
  Minor difference = 0;
  if (__builtin_sub_overflow(a, b, &difference)) {
    return Error{Errc::overflow, "difference does not fit in a 64-bit balance"};
  }
  return difference;
}

inline Result<Minor> checked_mul(Minor a, Minor b) {
  Minor product = 0;
  if (__builtin_mul_overflow(a, b, &product)) {
    return Error{Errc::overflow, "product does not fit in a 64-bit balance"};
  }
  return product;
}

// The most negative int64 has no negative; a reversal of it must be refused, not wrapped.
inline Result<Minor> checked_negate(Minor a) { return checked_sub(0, a); }

// For sums the caller has already bounded (e.g. a loan whose total was checked against
// json_amount_max): overflow here would be our bug, not the input's, so it is asserted.
inline Minor add_in_range(Minor a, Minor b) {
  auto sum = checked_add(a, b);
  PARDNER_ASSERT(sum.has_value());
  return sum.value();
}
inline Minor sub_in_range(Minor a, Minor b) {
  auto difference = checked_sub(a, b);
  PARDNER_ASSERT(difference.has_value());
  return difference.value();
}

// Splits `total` (>= 0) into parts proportional to `weights` (each >= 0, sum > 0): floor shares
// first, then one leftover minor unit each to the largest remainders, ties to the lower index.
// The parts always sum to exactly `total`.
Result<std::vector<Minor>> split_exact(Minor total, std::span<const Minor> weights);

}  // namespace pardner::ledger
