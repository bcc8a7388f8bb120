#include "core/rng.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

TEST(SampleRng, StreamDependsOnlyOnSeedStreamAndIndex) {
  ff::SampleRng a(7, 3, 42), b(7, 3, 42);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next(), b.next());
  ff::SampleRng other_index(7, 3, 43), other_seed(8, 3, 42), other_stream(7, 4, 42);
  ff::SampleRng c(7, 3, 42);
  const auto first = c.next();
  EXPECT_NE(first, other_index.next());
  EXPECT_NE(first, other_seed.next());
  EXPECT_NE(first, other_stream.next());
}

// Mean and variance of N standard normals: the sample mean has standard
// deviation 1/sqrt(N) and the sample variance sqrt(2/N); 5 sigma bounds.
TEST(SampleRng, NormalHasUnitVarianceAndZeroMean) {
  const int n = 200000;
  ff::SampleRng rng(1, 0, 0);
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    const double x = rng.normal();
    sum += x;
    sum_sq += x * x;
  }
  const double mean = sum / n, variance = sum_sq / n - mean * mean;
  EXPECT_LT(std::abs(mean), 5.0 / std::sqrt(n));
  EXPECT_LT(std::abs(variance - 1.0), 5.0 * std::sqrt(2.0 / n));
}

TEST(SampleRng, UniformStaysInOpenInterval) {
  ff::SampleRng rng(2, 0, 0);
  for (int i = 0; i < 100000; ++i) {
    const double u = rng.uniform();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

}  // namespace
