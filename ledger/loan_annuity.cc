// Exact annuity payments. With r = b / D (b the annual rate in basis points, D = 10,000 * periods
// a year), X = (D + b)^n and Y = D^n, the textbook payment is the rational
//   A* = B * r / (1 - (1 + r)^-n) = B * b * X / (D * (X - Y)) = N / Q,
// and the payment is ceil(N / Q): the smallest a with Q * a >= N. N and Q are computed exactly as
// naturals and a is found by bisection. Precision argument: there is none to make, because
// nothing is approximated — the result is exactly ceil(A*) for every input, ties and exact
// integers included. Size: D + b <= 520,000 + 100,000 < 2^19.25, so X < 2^10,010 for n <= 520
// and the naturals stay under 330 32-bit limbs; the bisection takes at most 55 steps (the
// payment is below 2^54). Fixed-point powers in 128 bits could not promise the same: (1 + r)^520
// at 1,000% a year has over 100 decimal digits, and a value a hair below an integer would round
// the wrong way.
#include "ledger/loan_annuity.h"

#include <vector>

#include "ledger/limits.h"

namespace pardner::ledger {
namespace {

// Unsigned 128-bit intermediates for limb products; __extension__ keeps -Wpedantic quiet about
// the one non-standard type we rely on, as in money.cc.
__extension__ typedef unsigned __int128 UWide;

// A natural number of any size: little-endian 32-bit limbs, no leading zero limbs.
class Natural {
 public:
  explicit Natural(std::uint64_t value) {
    for (; value != 0; value >>= 32) limbs_.push_back(static_cast<std::uint32_t>(value));
  }

  Natural& operator*=(std::uint64_t factor) {
    if (factor == 0) {
      limbs_.clear();
      return *this;
    }
    // limb < 2^32 and factor < 2^64, so limb * factor + carry < 2^96 + 2^64 fits in 128 bits.
    UWide carry = 0;
    for (auto& limb : limbs_) {
      UWide product = static_cast<UWide>(limb) * factor + carry;
      limb = static_cast<std::uint32_t>(product);
      carry = product >> 32;
    }
    for (; carry != 0; carry >>= 32) limbs_.push_back(static_cast<std::uint32_t>(carry));
    return *this;
  }

  Natural& operator+=(const Natural& other) {
    if (limbs_.size() < other.limbs_.size()) limbs_.resize(other.limbs_.size(), 0);
    std::uint64_t carry = 0;
    for (std::size_t i = 0; i < limbs_.size(); ++i) {
      std::uint64_t sum = std::uint64_t{limbs_[i]} + other.limb(i) + carry;
      limbs_[i] = static_cast<std::uint32_t>(sum);
      carry = sum >> 32;
    }
    if (carry != 0) limbs_.push_back(static_cast<std::uint32_t>(carry));
    return *this;
  }

  // Requires *this >= other: naturals have no negatives.
  Natural& operator-=(const Natural& other) {
    PARDNER_ASSERT(compare(*this, other) >= 0);
    std::uint64_t borrow = 0;
    for (std::size_t i = 0; i < limbs_.size(); ++i) {
      std::uint64_t subtrahend = std::uint64_t{other.limb(i)} + borrow;
      std::uint64_t minuend = limbs_[i];
      borrow = minuend < subtrahend ? 1 : 0;
      limbs_[i] = static_cast<std::uint32_t>((borrow << 32) + minuend - subtrahend);
    }
    PARDNER_ASSERT(borrow == 0);
    while (!limbs_.empty() && limbs_.back() == 0) limbs_.pop_back();
    return *this;
  }

  friend int compare(const Natural& a, const Natural& b) {
    if (a.limbs_.size() != b.limbs_.size()) return a.limbs_.size() < b.limbs_.size() ? -1 : 1;
    for (std::size_t i = a.limbs_.size(); i-- > 0;) {
      if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] < b.limbs_[i] ? -1 : 1;
    }
    return 0;
  }

 private:
  std::uint32_t limb(std::size_t i) const { return i < limbs_.size() ? limbs_[i] : 0; }

  std::vector<std::uint32_t> limbs_;
};

Natural times(Natural value, std::uint64_t factor) {
  value *= factor;
  return value;
}

}  // namespace

// The bound payment <= 2 * balance needs r < 1 in the shortest year (12 periods).
static_assert(loan_rate_bps_max < 10'000 * 12);
static_assert(loan_instalments_max <= 520);

Minor annuity_payment(Minor balance_minor, std::int64_t annual_rate_bps,
                      std::int64_t periods_per_year, std::int64_t instalment_count) {
  PARDNER_ASSERT(balance_minor >= 0);
  PARDNER_ASSERT(balance_minor <= json_amount_max);
  PARDNER_ASSERT(annual_rate_bps >= 0);
  PARDNER_ASSERT(annual_rate_bps <= loan_rate_bps_max);
  PARDNER_ASSERT(periods_per_year == 12 || periods_per_year == 26 || periods_per_year == 52);
  PARDNER_ASSERT(instalment_count >= 1);
  PARDNER_ASSERT(instalment_count <= loan_instalments_max);

  if (annual_rate_bps == 0) {
    // ceil(B / n); B + n - 1 < 2^54.
    return (balance_minor + instalment_count - 1) / instalment_count;
  }
  auto balance = static_cast<std::uint64_t>(balance_minor);
  auto rate = static_cast<std::uint64_t>(annual_rate_bps);
  auto denominator = static_cast<std::uint64_t>(10'000 * periods_per_year);

  Natural grown(1);  // X = (D + b)^n
  Natural unit(1);   // Y = D^n
  for (std::int64_t i = 0; i < instalment_count; ++i) {
    grown *= denominator + rate;
    unit *= denominator;
  }
  Natural excess = grown;  // X - Y > 0 because b > 0
  excess -= unit;
  Natural numerator = times(times(grown, balance), rate);  // N = B * b * X
  Natural quotient_base = times(excess, denominator);      // Q = D * (X - Y)

  // The smallest a in [0, 2B] with Q * a >= N.
  std::uint64_t low = 0;
  std::uint64_t high = 2 * balance;
  PARDNER_ASSERT(compare(times(quotient_base, high), numerator) >= 0);
  while (low < high) {
    std::uint64_t middle = low + (high - low) / 2;
    if (compare(times(quotient_base, middle), numerator) >= 0) {
      high = middle;
    } else {
      low = middle + 1;
    }
  }
  return static_cast<Minor>(low);
}

}  // namespace pardner::ledger
