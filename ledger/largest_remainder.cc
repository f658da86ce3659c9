// The largest-remainder split with caps (ledger/largest_remainder.h states the algorithm). Works
// on recipients sorted by key, so input order cannot matter; every product is 128-bit.
#include "ledger/largest_remainder.h"

#include <algorithm>
#include <string>

#include "ledger/limits.h"

namespace pardner::ledger {
namespace {

// Wide enough for an amount (< 2^53) times a weight (< 2^63). __extension__ marks the one
// non-standard type relied on, as in money.cc.
__extension__ typedef __int128 Wide;

Result<Ok> check_inputs(Minor amount, std::span<const SplitWeight> weights) {
  if (amount < 0 || amount > json_amount_max) {
    return Error{Errc::invalid_argument,
                 "a split amount must be 0.." + std::to_string(json_amount_max)};
  }
  if (weights.empty() || weights.size() > split_recipients_max) {
    return Error{Errc::invalid_argument,
                 "a split needs 1.." + std::to_string(split_recipients_max) + " recipients"};
  }
  for (const SplitWeight& w : weights) {
    if (w.weight < 0) return Error{Errc::invalid_argument, "a split weight is negative"};
    if (w.cap && *w.cap < 0) return Error{Errc::invalid_argument, "a split cap is negative"};
  }
  return Ok{};
}

}  // namespace

Result<Split> split_largest_remainder(Minor amount, std::span<const SplitWeight> weights) {
  if (auto ok = check_inputs(amount, weights); !ok) return ok.error();
  std::vector<SplitWeight> sorted(weights.begin(), weights.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const SplitWeight& a, const SplitWeight& b) { return a.key < b.key; });
  Minor weight_sum = 0;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0 && sorted[i].key == sorted[i - 1].key) {
      return Error{Errc::invalid_argument,
                   "split key " + std::to_string(sorted[i].key) + " appears twice"};
    }
    if (__builtin_add_overflow(weight_sum, sorted[i].weight, &weight_sum)) {
      return Error{Errc::overflow, "split weights sum past INT64_MAX"};
    }
  }
  if (weight_sum == 0) return Error{Errc::invalid_argument, "split weights sum to zero"};

  Split split;
  split.shares.resize(sorted.size());
  for (std::size_t i = 0; i < sorted.size(); ++i) split.shares[i].key = sorted[i].key;
  // Step 1: fix the capped recipients whose exact share of what remains reaches their cap.
  std::vector<bool> fixed(sorted.size(), false);
  Minor remaining = amount;
  Minor remaining_weight = weight_sum;
  bool changed = true;
  while (changed && remaining_weight > 0) {
    changed = false;
    std::vector<std::size_t> reached;
    for (std::size_t i = 0; i < sorted.size(); ++i) {
      const SplitWeight& w = sorted[i];
      if (fixed[i] || !w.cap || w.weight == 0) continue;
      // R*w/W >= cap  <=>  R*w >= cap*W, exactly in 128 bits.
      if (static_cast<Wide>(remaining) * w.weight >= static_cast<Wide>(*w.cap) * remaining_weight) {
        reached.push_back(i);
      }
    }
    // All of one pass are fixed together, against the same R and W: fixing them one at a time
    // would make the result depend on the order they were visited in.
    for (std::size_t i : reached) {
      fixed[i] = true;
      split.shares[i].amount = *sorted[i].cap;
      remaining = sub_in_range(remaining, *sorted[i].cap);
      remaining_weight = sub_in_range(remaining_weight, sorted[i].weight);
      changed = true;
    }
    PARDNER_ASSERT(remaining >= 0);  // each cap fixed was at most its share of R
  }
  if (remaining_weight == 0) {
    split.unallocated = remaining;
    return split;
  }

  // Step 2: Hamilton over the recipients not fixed.
  std::vector<std::size_t> open;
  std::vector<Minor> remainders(sorted.size(), 0);
  Minor allocated = 0;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (fixed[i]) continue;
    Wide scaled = static_cast<Wide>(remaining) * sorted[i].weight;
    split.shares[i].amount = static_cast<Minor>(scaled / remaining_weight);
    remainders[i] = static_cast<Minor>(scaled % remaining_weight);
    allocated = add_in_range(allocated, split.shares[i].amount);
    open.push_back(i);
  }
  auto leftover = static_cast<std::size_t>(sub_in_range(remaining, allocated));
  PARDNER_ASSERT(leftover < open.size() || leftover == 0);
  // Largest remainder first; equal remainders by ascending key (open is in key order already,
  // and stable_sort keeps it).
  std::stable_sort(open.begin(), open.end(),
                   [&](std::size_t a, std::size_t b) { return remainders[a] > remainders[b]; });
  for (std::size_t i = 0; i < leftover; ++i) split.shares[open[i]].amount += 1;

  Minor total = split.unallocated;
  for (const SplitShare& share : split.shares) total = add_in_range(total, share.amount);
  PARDNER_ASSERT(total == amount);
  return split;
}

}  // namespace pardner::ledger
