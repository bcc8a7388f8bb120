// Random-phase isotropic, solenoidal velocity fields on the periodic unit
// cube with the energy spectrum used to start decaying-turbulence runs,
//
//   E(k) ∝ k⁴ exp(−2 (k/k₀)²),   scaled so that ½⟨|u|²⟩ = energy.
//
// Every Fourier mode gets the same magnitude within its shell s = round(|k|)
// (so the shell energies are exactly E(s)) and a random direction in the
// plane ⊥ k with random phase: the Leray projection of a white-noise mode,
// rescaled. Modes outside the 2/3 band are left out, so the field is already
// a state of the dealiased Navier–Stokes solver.
#pragma once

#include "core/rng.hpp"
#include "solvers/fourier/fft.hpp"
#include "solvers/spectral/spectral_grid.hpp"

#include <vector>

namespace ff::spectral {

struct IsotropicVelocityOptions {
  int n = 64;                    // grid points per axis
  double peak_wavenumber = 4.0;  // k₀ (E peaks at k = k₀)
  double energy = 0.5;           // ½⟨|u|²⟩
};

class IsotropicVelocity {
 public:
  explicit IsotropicVelocity(const IsotropicVelocityOptions& options);

  // Shell energies E(s), s = 0, 1, ..., that every sample has exactly.
  const std::vector<double>& shell_energy() const { return shell_energy_; }
  // Writes 3 n³ values (u, v, w blocks), drawing from `rng`.
  void sample(SampleRng& rng, double* u);

 private:
  IsotropicVelocityOptions options_;
  RealFFT fft_;
  SpectralGrid grid_;
  std::vector<double> shell_energy_;
  std::vector<double> mode_amplitude_;  // |û_k| per shell: sqrt(2 E(s) / modes kept in s)
  RealBuffer noise_;
  SpectrumBuffer noise_hat_;  // 3 blocks
};

}  // namespace ff::spectral
