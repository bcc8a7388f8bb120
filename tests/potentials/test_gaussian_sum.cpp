// Kernels as Gaussian sums: each sum meets its requested relative accuracy on a
// check grid denser than (and offset from) the one its terms were chosen on,
// and the range-separated parts add back to 1/r.
#include "potentials/gaussian_sum.hpp"

#include "core/error.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

namespace fp = ff::potentials;

namespace {

double max_relative_error(const fp::GaussianSum& sum, const std::function<double(double)>& exact, double a, double b) {
  const int n = 5003;
  double err = 0;
  for (int i = 0; i < n; ++i) {
    const double r = a * std::pow(b / a, (i + 0.37) / n);
    err = std::max(err, std::abs(sum(r) - exact(r)) / std::abs(exact(r)));
  }
  return err;
}

}  // namespace

TEST(GaussianSum, NewtonMeetsAccuracyOnLogGrid) {
  for (double eps : {1e-4, 1e-7, 1e-10}) {
    fp::GaussianSumOptions o;
    o.accuracy = eps;
    const auto sum = fp::newton_sum(o);
    EXPECT_LE(max_relative_error(
                  sum, [](double r) { return 1 / r; }, o.r_min, o.r_max),
              eps)
        << "eps " << eps;
  }
}

TEST(GaussianSum, TermsSortedWidestFirstWithPositiveWeights) {
  const auto sum = fp::newton_sum({});
  for (int k = 0; k + 1 < sum.size(); ++k) EXPECT_LT(sum.terms()[k].exponent, sum.terms()[k + 1].exponent);
  for (const auto& t : sum.terms()) EXPECT_GT(t.weight, 0);
}

TEST(GaussianSum, SlaterAndYukawaMeetAccuracy) {
  fp::GaussianSumOptions o;
  o.accuracy = 1e-8;
  o.r_min = 1e-2;
  o.r_max = 10;
  for (double lambda : {0.5, 2.0}) {
    const auto slater = fp::slater_sum(lambda, o);
    const auto yukawa = fp::yukawa_sum(lambda, o);
    EXPECT_LE(max_relative_error(
                  slater, [lambda](double r) { return std::exp(-lambda * r); }, o.r_min, o.r_max),
              o.accuracy);
    EXPECT_LE(max_relative_error(
                  yukawa, [lambda](double r) { return std::exp(-lambda * r) / r; }, o.r_min, o.r_max),
              o.accuracy);
  }
}

TEST(GaussianSum, LongPlusShortRangeIsNewton) {
  fp::GaussianSumOptions o;
  o.accuracy = 1e-8;
  const double r_c = 0.05;
  const auto lr = fp::newton_long_range_sum(r_c, o);
  // Long range alone, including the origin, where erf(r/r_c)/r → 2/(√π r_c).
  EXPECT_NEAR(lr(0.0), 2 / (std::sqrt(M_PI) * r_c), o.accuracy * 2 / (std::sqrt(M_PI) * r_c));
  auto erf_over_r = [r_c](double r) { return std::erf(r / r_c) / r; };
  EXPECT_LE(max_relative_error(lr, erf_over_r, 1e-5, o.r_max), o.accuracy);
  // The sum of both parts is 1/r to the same relative accuracy: the long
  // range is at most 1/r, and the short range is exact.
  double err = 0;
  for (int i = 0; i < 4001; ++i) {
    const double r = 1e-4 * std::pow(o.r_max / 1e-4, i / 4000.0);
    err = std::max(err, std::abs(lr(r) + fp::newton_short_range(r, r_c) - 1 / r) * r);
  }
  EXPECT_LE(err, o.accuracy);
}

TEST(GaussianSum, RejectsBadOptions) {
  fp::GaussianSumOptions o;
  o.r_min = 0;
  EXPECT_THROW(fp::newton_sum(o), ff::InputError);
  o = {};
  o.accuracy = 0.5;
  EXPECT_THROW(fp::newton_sum(o), ff::InputError);
  EXPECT_THROW(fp::slater_sum(-1, {}), ff::InputError);
  EXPECT_THROW(fp::newton_long_range_sum(2.0, {}), ff::InputError);
}
