// A histogram of non-negative integer observations over fixed upper bounds, the shape
// Prometheus exposes (cumulative buckets, a +Inf bucket, a sum). Lock-free: observe() is a
// few relaxed atomic additions, so it can sit on the writer's and the I/O threads' hot paths.
// Knows nothing of HTTP or of the exposition text; api/ renders snapshots.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>
#include <vector>

namespace pardner::ledger {

// Room for the bounds of one histogram; the +Inf bucket comes on top.
inline constexpr std::size_t histogram_bounds_max = 16;

// What a histogram held at one moment. `cumulative[i]` counts observations <= bounds[i];
// the +Inf bucket is `count`, the sum of every bucket, so the two are equal by construction.
struct HistogramSnapshot {
  std::vector<std::uint64_t> bounds;
  std::vector<std::uint64_t> cumulative;
  std::uint64_t count = 0;
  // May miss an observation still in flight while the snapshot was taken (it is read apart
  // from the buckets); the next snapshot has it.
  std::uint64_t sum = 0;
};

class Histogram {
 public:
  // `bounds` must be strictly increasing, non-empty and at most histogram_bounds_max long
  // (asserted); it is copied.
  explicit Histogram(std::span<const std::uint64_t> bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // Counts `value` in the first bucket whose bound is >= it (Prometheus' "le"), or +Inf.
  // Thread-safe. The sum wraps after 2^64 (584,000 years of microseconds).
  void observe(std::uint64_t value);

  HistogramSnapshot snapshot() const;

 private:
  std::array<std::uint64_t, histogram_bounds_max> bounds_{};
  std::size_t bounds_count_ = 0;
  // Per bucket, not cumulative: one addition per observation. The last used slot is +Inf.
  std::array<std::atomic<std::uint64_t>, histogram_bounds_max + 1> buckets_{};
  std::atomic<std::uint64_t> sum_{0};
};

// Latency bounds in microseconds, 0.5 ms to 10 s: an fsync on a slow disk takes tens of
// milliseconds, a request stuck behind a full writer queue seconds.
inline constexpr std::uint64_t latency_bounds_micros[] = {
    500,     1'000,   2'500,   5'000,     10'000,    25'000,    50'000,
    100'000, 250'000, 500'000, 1'000'000, 2'500'000, 5'000'000, 10'000'000};
static_assert(std::size(latency_bounds_micros) <= histogram_bounds_max);

}  // namespace pardner::ledger
