// Largest-remainder splitting. Uses 128-bit intermediates so total * weight cannot overflow.
#include "ledger/money.h"

#include <algorithm>
#include <numeric>

namespace pardner::ledger {
namespace {

// Wide enough for total * weight with both at INT64_MAX. __extension__ marks the one
// non-standard type we rely on (GCC and Clang both have it on 64-bit targets).
__extension__ typedef __int128 Wide;

}  // namespace

Result<std::vector<Minor>> split_exact(Minor total, std::span<const Minor> weights) {
  if (total < 0) return Error{Errc::invalid_argument, "split total must not be negative"};
  if (weights.empty()) return Error{Errc::invalid_argument, "split needs at least one weight"};
  Wide weight_sum = 0;
  for (Minor w : weights) {
    if (w < 0) return Error{Errc::invalid_argument, "split weights must not be negative"};
    weight_sum += w;
  }
  if (weight_sum == 0) return Error{Errc::invalid_argument, "split weights sum to zero"};

  std::vector<Minor> parts(weights.size());
  std::vector<Wide> remainders(weights.size());
  Wide allocated = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    Wide scaled = static_cast<Wide>(total) * weights[i];
    parts[i] = static_cast<Minor>(scaled / weight_sum);
    remainders[i] = scaled % weight_sum;
    allocated += parts[i];
  }
  auto leftover = static_cast<std::size_t>(total - allocated);
  PARDNER_ASSERT(leftover < weights.size());

  std::vector<std::size_t> order(weights.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainders[a] > remainders[b]; });
  for (std::size_t i = 0; i < leftover; ++i) parts[order[i]] += 1;

  PARDNER_ASSERT(std::accumulate(parts.begin(), parts.end(), Wide{0}) == total);
  return parts;
}

}  // namespace pardner::ledger
