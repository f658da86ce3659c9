// Fixed-bucket histograms. Buckets are counted one each and made cumulative only when read,
// so an observation is one bucket addition and one sum addition.
#include "ledger/histogram.h"

#include <algorithm>

#include "crypto/invariant.h"

namespace pardner::ledger {

Histogram::Histogram(std::span<const std::uint64_t> bounds) : bounds_count_(bounds.size()) {
  PARDNER_ASSERT(!bounds.empty());
  PARDNER_ASSERT(bounds.size() <= histogram_bounds_max);
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    PARDNER_ASSERT(i == 0 || bounds[i - 1] < bounds[i]);
    bounds_[i] = bounds[i];
  }
}

void Histogram::observe(std::uint64_t value) {
  auto end = bounds_.begin() + static_cast<std::ptrdiff_t>(bounds_count_);
  auto index =
      static_cast<std::size_t>(std::lower_bound(bounds_.begin(), end, value) - bounds_.begin());
  // Relaxed: each counter only ever grows, and a reader needs no order between them.
  buckets_[index].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

HistogramSnapshot Histogram::snapshot() const {
  HistogramSnapshot out;
  out.bounds.assign(bounds_.begin(), bounds_.begin() + static_cast<std::ptrdiff_t>(bounds_count_));
  out.cumulative.reserve(bounds_count_);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < bounds_count_; ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out.cumulative.push_back(running);
  }
  out.count = running + buckets_[bounds_count_].load(std::memory_order_relaxed);
  out.sum = sum_.load(std::memory_order_relaxed);
  return out;
}

}  // namespace pardner::ledger
