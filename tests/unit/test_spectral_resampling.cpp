#include "solvers/fourier/fft.hpp"
#include "solvers/spectral/spectral_resampling.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <functional>
#include <tuple>
#include <vector>

namespace {

using namespace ff::spectral;

std::vector<double> on_grid(int n, const std::function<double(double, double)>& f) {
  std::vector<double> values(static_cast<long>(n) * n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) values[static_cast<long>(i) * n + j] = f(double(i) / n, double(j) / n);
  return values;
}

std::vector<std::complex<double>> spectrum_of(const std::vector<double>& values, int n) {
  RealFFT fft({n, n});
  std::vector<std::complex<double>> spectrum(fft.spectral_size());
  fft.forward(values.data(), spectrum.data());
  return spectrum;
}

double max_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0;
  for (size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]));
  return d;
}

// Modes up to 40 on a 96² grid: many of them alias on a 64² grid (its
// Nyquist is 32), and the sampler must give the true point values anyway.
double rich_field(double x, double y) {
  const double t = 2 * M_PI;
  return std::sin(t * (3 * x + 40 * y)) + 0.5 * std::cos(t * (37 * x - 5 * y)) + 0.25 * std::cos(t * 30 * x) +
         0.1 * std::sin(t * (x + 2 * y));
}

TEST(PointSampler, GivesPointValuesOfAliasingModesOnAnyGrid) {
  for (auto [from, to] : {std::pair{96, 64}, std::pair{96, 40}, std::pair{128, 64}, std::pair{90, 96}}) {
    PointSampler sampler(from, to);
    const auto spectrum = spectrum_of(on_grid(from, rich_field), from);
    std::vector<double> values(static_cast<long>(to) * to);
    sampler.sample(spectrum.data(), values.data());
    EXPECT_LT(max_difference(values, on_grid(to, rich_field)), 1e-12) << from << " -> " << to;
  }
}

TEST(PointSampler, EqualsTakingEveryOtherPointWhenTheGridsDivide) {
  std::vector<double> noise(128 * 128);
  for (size_t i = 0; i < noise.size(); ++i) noise[i] = std::sin(1.7 * i) + std::cos(0.31 * i * i);
  PointSampler sampler(128, 64);
  std::vector<double> sampled(64 * 64);
  sampler.sample(spectrum_of(noise, 128).data(), sampled.data());
  std::vector<double> every_other(64 * 64);
  for (int i = 0; i < 64; ++i)
    for (int j = 0; j < 64; ++j) every_other[i * 64 + j] = noise[(2 * i) * 128 + 2 * j];
  EXPECT_LT(max_difference(sampled, every_other), 1e-12);
}

// Noise holds every mode, Nyquist ones included: the sampled values on a
// finer or a coarser grid pass through the noise at the points both grids
// share (the interpolant treats Nyquist modes as cosines).
TEST(PointSampler, PassesThroughTheFieldAtSharedPointsWithNyquistContent) {
  std::vector<double> noise(64 * 64);
  for (size_t i = 0; i < noise.size(); ++i) noise[i] = std::sin(2.3 * i) + std::cos(0.17 * i * i);
  const auto spectrum = spectrum_of(noise, 64);
  for (auto [to, from_step, to_step] : {std::tuple{96, 2, 3}, std::tuple{48, 4, 3}, std::tuple{128, 1, 2}}) {
    PointSampler sampler(64, to);
    std::vector<double> values(static_cast<long>(to) * to);
    sampler.sample(spectrum.data(), values.data());
    double d = 0;
    for (int i = 0; i * from_step < 64; ++i)
      for (int j = 0; j * from_step < 64; ++j)
        d = std::max(d, std::abs(values[static_cast<long>(i * to_step) * to + j * to_step] -
                                 noise[static_cast<long>(i * from_step) * 64 + j * from_step]));
    EXPECT_LT(d, 1e-12) << "64 -> " << to;
  }
}

TEST(TransferSpectrum, KeepsTheCommonModesAndDropsTheRest) {
  const double t = 2 * M_PI;
  auto low = [&](double x, double y) { return std::cos(t * (3 * x - 7 * y)) + 0.3 * std::sin(t * 11 * x); };
  auto with_high = [&](double x, double y) { return low(x, y) + std::sin(t * (40 * x + y)); };
  std::vector<std::complex<double>> coarse(48 * 25), back(96 * 49);
  transfer_spectrum(spectrum_of(on_grid(96, with_high), 96).data(), 96, coarse.data(), 48);
  transfer_spectrum(coarse.data(), 48, back.data(), 96);
  const auto expected = spectrum_of(on_grid(96, low), 96);
  double d = 0;
  for (size_t i = 0; i < back.size(); ++i) d = std::max(d, std::abs(back[i] - expected[i]));
  EXPECT_LT(d, 1e-13);
}

}  // namespace
