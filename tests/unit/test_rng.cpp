#include "core/rng.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

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

// The empirical CDF at points across the body and the tails matches Φ within
// 5 binomial standard errors; this exercises every ziggurat layer and the tail.
TEST(SampleRng, NormalMatchesTheGaussianCdf) {
  const int n = 1000000;
  const std::vector<double> points{-4.0, -3.0, -2.0, -1.0, -0.3, 0.0, 0.7, 1.5, 2.5, 3.44, 4.5};
  std::vector<long> below(points.size(), 0);
  ff::SampleRng rng(9, 2, 0);
  for (int i = 0; i < n; ++i) {
    const double x = rng.normal();
    for (std::size_t p = 0; p < points.size(); ++p) below[p] += x < points[p];
  }
  for (std::size_t p = 0; p < points.size(); ++p) {
    const double cdf = 0.5 * std::erfc(-points[p] / std::sqrt(2.0));
    const double standard_error = std::sqrt(cdf * (1 - cdf) / n);
    EXPECT_NEAR(double(below[p]) / n, cdf, 5 * standard_error + 1e-7) << "at x = " << points[p];
  }
}

TEST(SampleRng, ZigguratLayersCloseAtTheTop) {
  const auto& z = ff::detail::normal_ziggurat();
  for (int i = 1; i < ff::detail::NormalZiggurat::kLayers; ++i) ASSERT_GT(z.edge[i], z.edge[i + 1]) << i;
  EXPECT_GT(z.edge[127], 0.0);
  // The layers were built bottom-up from r and v: the top one ends at f = 1.
  EXPECT_NEAR(z.height[127] + ff::detail::NormalZiggurat::kLayerArea / z.edge[127], 1.0, 1e-9);
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
