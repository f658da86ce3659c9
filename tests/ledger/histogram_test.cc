// Fixed-bucket histograms: the upper bound is inclusive (Prometheus "le"), past the last bound
// is +Inf, buckets read cumulative with +Inf equal to the count, and observations from many
// threads at once are all counted.
#include "ledger/histogram.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace pardner::ledger {
namespace {

constexpr std::uint64_t bounds[] = {1, 10, 100};

TEST(Histogram, StartsEmptyWithItsBounds) {
  Histogram histogram(bounds);
  auto snapshot = histogram.snapshot();
  EXPECT_EQ(snapshot.bounds, (std::vector<std::uint64_t>{1, 10, 100}));
  EXPECT_EQ(snapshot.cumulative, (std::vector<std::uint64_t>{0, 0, 0}));
  EXPECT_EQ(snapshot.count, 0u);
  EXPECT_EQ(snapshot.sum, 0u);
}

TEST(Histogram, CountsAValueInTheFirstBucketWhoseBoundIsAtLeastIt) {
  Histogram histogram(bounds);
  for (std::uint64_t value : {0u, 1u, 2u, 10u, 11u, 100u, 101u, 5000u}) histogram.observe(value);
  auto snapshot = histogram.snapshot();
  // <=1: 0 and 1; <=10: also 2 and 10; <=100: also 11 and 100; +Inf: also 101 and 5000.
  EXPECT_EQ(snapshot.cumulative, (std::vector<std::uint64_t>{2, 4, 6}));
  EXPECT_EQ(snapshot.count, 8u);
  EXPECT_EQ(snapshot.sum, 0u + 1 + 2 + 10 + 11 + 100 + 101 + 5000);
}

TEST(Histogram, TakesBoundsUpToTheMaximum) {
  std::vector<std::uint64_t> many;
  for (std::uint64_t i = 1; i <= histogram_bounds_max; ++i) many.push_back(i * 2);
  Histogram histogram(many);
  histogram.observe(2 * histogram_bounds_max);
  histogram.observe(2 * histogram_bounds_max + 1);
  auto snapshot = histogram.snapshot();
  ASSERT_EQ(snapshot.cumulative.size(), histogram_bounds_max);
  EXPECT_EQ(snapshot.cumulative.back(), 1u);
  EXPECT_EQ(snapshot.count, 2u);
}

TEST(HistogramDeathTest, RefusesBoundsPastTheMaximumOrOutOfOrder) {
  std::vector<std::uint64_t> too_many;
  for (std::uint64_t i = 1; i <= histogram_bounds_max + 1; ++i) too_many.push_back(i);
  EXPECT_DEATH(Histogram{too_many}, "histogram_bounds_max");
  constexpr std::uint64_t unordered[] = {1, 5, 5};
  EXPECT_DEATH(Histogram{unordered}, "bounds");
  EXPECT_DEATH(Histogram{std::span<const std::uint64_t>{}}, "empty");
}

TEST(Histogram, CountsEveryObservationFromManyThreads) {
  Histogram histogram(latency_bounds_micros);
  constexpr int threads = 4;
  constexpr std::uint64_t per_thread = 20'000;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&histogram] {
      for (std::uint64_t i = 0; i < per_thread; ++i)
        histogram.observe(i % 3 == 0 ? 700 : 20'000'000);
    });
  }
  for (auto& worker : workers) worker.join();
  auto snapshot = histogram.snapshot();
  EXPECT_EQ(snapshot.count, threads * per_thread);
  std::uint64_t small = threads * ((per_thread + 2) / 3);
  EXPECT_EQ(snapshot.cumulative[0], 0u);         // <= 500 us
  EXPECT_EQ(snapshot.cumulative[1], small);      // <= 1 ms
  EXPECT_EQ(snapshot.cumulative.back(), small);  // 20 s is past every bound
  EXPECT_EQ(snapshot.sum, small * 700 + (threads * per_thread - small) * 20'000'000);
}

}  // namespace
}  // namespace pardner::ledger
