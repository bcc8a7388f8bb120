// Per-coefficient data of the half spectrum of a periodic grid on [0,1)^d,
// laid out as in fft.hpp: angular wavenumbers, |κ|², the 2/3-rule mask and
// the Parseval weights. Solvers precompute it once per grid.
#pragma once

#include <array>
#include <complex>
#include <vector>

namespace ff::spectral {

struct SpectralGrid {
  explicit SpectralGrid(std::vector<int> shape);

  std::vector<int> shape;
  long size = 0;  // stored half-spectrum coefficients

  // κ_a = 2π k_a on axis a (unused axes hold zeros). The Nyquist entries are 0
  // here, because an odd derivative of a real field has no Nyquist part.
  std::array<std::vector<double>, 3> kappa;
  // |2π k|², with the Nyquist wavenumber n/2 included (even derivatives keep it).
  std::vector<double> kappa_squared;
  // 1 where 3|k_a| < n_a on every axis (Orszag's 2/3 rule), else 0: quadratic
  // products of masked fields are alias-free on the kept modes.
  std::vector<double> dealias;
  // Number of full-spectrum modes an entry stands for (1 or 2), so that
  // Σ_full |û|² = Σ_half weight |û|² (Parseval with the 1/N forward scaling).
  std::vector<double> weight;
  // round(|k|): the spectral shell of each entry.
  std::vector<int> shell;
};

// −ν|κ|² per coefficient: the diffusion rate the integrating factors use.
std::vector<double> diffusion_rate(const SpectralGrid& grid, double nu);

// Leray projection of a 3D vector spectrum (three consecutive blocks of
// grid.size coefficients) onto solenoidal fields: û ← (I − κκᵀ/|κ|²) û.
void leray_project(const SpectralGrid& grid, std::complex<double>* u_hat);

}  // namespace ff::spectral
