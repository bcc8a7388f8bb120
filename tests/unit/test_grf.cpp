#include "core/error.hpp"
#include "solvers/fourier/grf.hpp"
#include "solvers/fourier/modes.hpp"
#include "solvers/spectral/power_spectrum.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using namespace ff::spectral;

// Largest |measured − expected| / (standard error) over the whole shells.
double worst_z_score(const GrfOptions& generate, const GrfOptions& compare_with, int samples) {
  GaussianRandomField grf(generate), reference(compare_with);
  ShellSpectrum spectrum(grf.shape());
  std::vector<double> field(grf.size());
  for (int i = 0; i < samples; ++i) {
    ff::SampleRng rng(11, 0, i);
    grf.sample(rng, field.data());
    spectrum.add_sample(field.data());
  }
  const auto measured = spectrum.energy();
  const auto expected = spectrum.expected([&](const std::array<int, 3>& k) { return reference.mode_variance(k); });
  const auto variance =
      spectrum.energy_variance([&](const std::array<int, 3>& k) { return reference.mode_variance(k); });
  double worst = 0;
  for (int s = 1; s < generate.n / 2; ++s)
    worst = std::max(worst, std::abs(measured[s] - expected[s]) / std::sqrt(variance[s] / samples));
  return worst;
}

// The empirical shell spectrum over 400 samples matches σ²(4π²|k|²+τ²)^(−α)
// within 5 standard errors in every whole shell (1 <= |k| < n/2). With ~15
// shells per grid the chance of a false failure is below 1e-5; the seed is
// fixed, so the test is deterministic.
TEST(GaussianRandomField, PowerSpectrumMatchesPrescribed) {
  for (int dim : {1, 2, 3}) {
    GrfOptions o;
    o.dim = dim;
    o.n = dim == 3 ? 16 : 32;
    o.alpha = 2.5;
    o.tau = 7.0;
    o.sigma = std::pow(7.0, 0.75);
    EXPECT_LT(worst_z_score(o, o, 400), 5.0) << dim << "D";
  }
}

// The same statistic has the power to see a wrong exponent.
TEST(GaussianRandomField, SpectrumTestDetectsWrongExponent) {
  GrfOptions o;
  o.n = 32;
  GrfOptions wrong = o;
  wrong.alpha = o.alpha + 0.25;
  EXPECT_GT(worst_z_score(o, wrong, 400), 5.0);
}

// Pointwise variance of the field equals Σ_k λ_k (5 standard errors; the
// field value is Gaussian so its sample variance has relative error sqrt(2/N)
// for independent samples).
TEST(GaussianRandomField, PointVarianceIsSumOfModeVariances) {
  GrfOptions o;
  o.n = 16;
  GaussianRandomField grf(o);
  double expected = 0;
  for (const auto& m : half_spectrum_modes(grf.shape())) expected += m.multiplicity * grf.mode_variance(m.k);
  const int samples = 4000;
  double sum_sq = 0;
  std::vector<double> field(grf.size());
  for (int i = 0; i < samples; ++i) {
    ff::SampleRng rng(5, 1, i);
    grf.sample(rng, field.data());
    sum_sq += field[37] * field[37];
  }
  EXPECT_NEAR(sum_sq / samples, expected, 5 * expected * std::sqrt(2.0 / samples));
}

TEST(GaussianRandomField, ZeroMeanFieldsHaveZeroAverage) {
  GrfOptions o;
  o.n = 24;
  GaussianRandomField grf(o);
  std::vector<double> field(grf.size());
  ff::SampleRng rng(3, 0, 0);
  grf.sample(rng, field.data());
  double mean = 0, scale = 0;
  for (double v : field) mean += v, scale += std::abs(v);
  EXPECT_LT(std::abs(mean) / scale, 1e-14);
}

TEST(GaussianRandomField, RejectsInvalidParameters) {
  GrfOptions o;
  o.alpha = -1;
  EXPECT_THROW(GaussianRandomField{o}, ff::InputError);
  o.alpha = 2;
  o.tau = 0;
  o.zero_mean = false;
  EXPECT_THROW(GaussianRandomField{o}, ff::InputError);
}

}  // namespace
