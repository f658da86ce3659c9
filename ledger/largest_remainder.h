// Exact proportional splits of an amount of money by the largest-remainder (Hamilton) method,
// with an optional cap per recipient. Pure: no storage, no clock, no floating point anywhere.
// Pool distributions, funding-round payouts and dividends all divide money here, so a payout in
// the log can be recomputed from its recorded inputs by anyone holding the same rule.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "ledger/error.h"
#include "ledger/money.h"

namespace pardner::ledger {

// One recipient: a stable key (an account, member or project id) that orders ties, a weight
// (basis points, a share balance, a vote count; >= 0), and an optional cap on what it may get.
struct SplitWeight {
  std::int64_t key = 0;
  std::int64_t weight = 0;
  std::optional<Minor> cap;  // >= 0 when set
};

struct SplitShare {
  std::int64_t key = 0;
  Minor amount = 0;
  friend bool operator==(const SplitShare&, const SplitShare&) = default;
};

struct Split {
  std::vector<SplitShare> shares;  // one per recipient, ordered by key ascending
  Minor unallocated = 0;           // non-zero only when every recipient with weight is capped
  friend bool operator==(const Split&, const Split&) = default;
};

// Splits `amount` (0..json_amount_max) over `weights` (1..split_recipients_max recipients,
// distinct keys, each weight >= 0, their sum 1..INT64_MAX) exactly:
//   1. Caps. While some uncapped recipient's exact share R*w/W of what remains (R, over the
//      remaining weight W) reaches its cap, every such recipient is fixed at its cap, and R and
//      W shrink by their caps and weights. Each pass fixes at least one recipient or stops, so
//      there are at most as many passes as capped recipients. If every recipient with weight
//      is fixed, what is left of R is `unallocated`.
//   2. Hamilton over the rest: each gets floor(R*w/W) (128-bit products); the R - sum units
//      left over (fewer than the recipients) go one each to the largest remainders R*w mod W,
//      equal remainders in ascending key order. A share is then floor or ceiling of its exact
//      proportion, so |share*W - R*w| < W, and never above its cap (the exact share is below
//      the cap, an integer, so its ceiling is at most the cap).
// Shares and `unallocated` sum to exactly `amount`. The result is sorted by key and depends on
// the set of (key, weight, cap), never on the order they are passed in.
// Refusals, in this order: invalid_argument (amount, recipient count, a negative weight or cap,
// a repeated key, weights summing to zero), overflow (the weights' sum passes INT64_MAX).
Result<Split> split_largest_remainder(Minor amount, std::span<const SplitWeight> weights);

}  // namespace pardner::ledger
