#include "solvers/fourier/fft.hpp"
#include "solvers/fourier/modes.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using ff::spectral::RealFFT;

// u = cos(2π·3x) + 0.5 sin(2π·5y) on 16 x 12: the Fourier coefficients of
// fft.hpp's convention are û(3,0) = 1/2 and û(0,5) = -i/4 (and conjugates).
TEST(RealFFT, ForwardGivesFourierCoefficients) {
  const int nx = 16, ny = 12;
  RealFFT fft({nx, ny});
  std::vector<double> u(nx * ny);
  for (int i = 0; i < nx; ++i)
    for (int j = 0; j < ny; ++j)
      u[i * ny + j] = std::cos(2 * M_PI * 3 * i / nx) + 0.5 * std::sin(2 * M_PI * 5.0 * j / ny);
  std::vector<std::complex<double>> c(fft.spectral_size());
  fft.forward(u.data(), c.data());
  const auto modes = ff::spectral::half_spectrum_modes({nx, ny});
  for (std::size_t e = 0; e < modes.size(); ++e) {
    const auto k = modes[e].k;
    std::complex<double> expected = 0;
    if (std::abs(k[0]) == 3 && k[1] == 0) expected = 0.5;
    if (k[0] == 0 && k[1] == 5) expected = {0, -0.25};
    EXPECT_NEAR(std::abs(c[e] - expected), 0.0, 1e-14) << "k = (" << k[0] << ", " << k[1] << ")";
  }
}

TEST(RealFFT, InverseUndoesForward) {
  for (const std::vector<int>& shape : {std::vector<int>{32}, {8, 10}, {6, 4, 8}}) {
    RealFFT fft(shape);
    std::vector<double> u(fft.real_size()), back(fft.real_size());
    for (long i = 0; i < fft.real_size(); ++i) u[i] = std::sin(0.37 * i) + 0.1 * (i % 7);
    std::vector<std::complex<double>> c(fft.spectral_size());
    fft.forward(u.data(), c.data());
    fft.inverse(c.data(), back.data());
    for (long i = 0; i < fft.real_size(); ++i) ASSERT_NEAR(back[i], u[i], 1e-13);
  }
}

TEST(HalfSpectrumModes, MultiplicitiesCountEveryModeOnce) {
  for (const std::vector<int>& shape : {std::vector<int>{9}, {8, 8}, {6, 5, 4}}) {
    long total = 0, expected = 1;
    for (int n : shape) expected *= n;
    for (const auto& m : ff::spectral::half_spectrum_modes(shape)) total += m.multiplicity;
    EXPECT_EQ(total, expected);
  }
}

}  // namespace
