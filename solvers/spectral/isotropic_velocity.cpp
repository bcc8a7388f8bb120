#include "solvers/spectral/isotropic_velocity.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>

namespace ff::spectral {

IsotropicVelocity::IsotropicVelocity(const IsotropicVelocityOptions& options)
    : options_(options), fft_({options.n, options.n, options.n}), grid_({options.n, options.n, options.n}) {
  FF_REQUIRE(options.peak_wavenumber > 0 && options.energy > 0, InputError,
             "isotropic velocity needs peak wavenumber > 0 and energy > 0 (got {}, {})", options.peak_wavenumber,
             options.energy);
  const int shells = *std::max_element(grid_.shell.begin(), grid_.shell.end()) + 1;
  std::vector<double> modes_kept(shells, 0.0);
  for (long k = 0; k < grid_.size; ++k)
    if (grid_.dealias[k] > 0) modes_kept[grid_.shell[k]] += grid_.weight[k];

  shell_energy_.assign(shells, 0.0);
  double total = 0;
  for (int s = 1; s < shells; ++s) {
    if (modes_kept[s] == 0) continue;
    const double q = s / options.peak_wavenumber;
    shell_energy_[s] = std::pow(q, 4) * std::exp(-2 * q * q);
    total += shell_energy_[s];
  }
  FF_REQUIRE(total > 0 && std::isfinite(total), InputError,
             "isotropic velocity: no resolved shell carries energy for peak wavenumber {} on a {}^3 grid",
             options.peak_wavenumber, options.n);
  mode_amplitude_.assign(shells, 0.0);
  for (int s = 1; s < shells; ++s) {
    shell_energy_[s] *= options.energy / total;
    if (modes_kept[s] > 0) mode_amplitude_[s] = std::sqrt(2 * shell_energy_[s] / modes_kept[s]);
  }
  noise_.assign(fft_.real_size(), 0.0);
  noise_hat_.assign(3 * grid_.size, 0.0);
}

void IsotropicVelocity::sample(SampleRng& rng, double* u) {
  const long m = grid_.size, points = fft_.real_size();
  // White noise is real, so its spectrum is conjugate-symmetric, and stays so
  // under the projection and the rescaling to the shell amplitude: both take
  // the same value at k and −k.
  for (int c = 0; c < 3; ++c) {
    for (long j = 0; j < points; ++j) noise_[j] = rng.normal();
    fft_.forward(noise_.data(), noise_hat_.data() + c * m);
  }
  leray_project(grid_, noise_hat_.data());
  for (long k = 0; k < m; ++k) {
    const double norm =
        std::sqrt(std::norm(noise_hat_[k]) + std::norm(noise_hat_[m + k]) + std::norm(noise_hat_[2 * m + k]));
    const double scale = grid_.dealias[k] > 0 && norm > 0 ? mode_amplitude_[grid_.shell[k]] / norm : 0.0;
    for (int c = 0; c < 3; ++c) noise_hat_[c * m + k] *= scale;
  }
  for (int c = 0; c < 3; ++c) fft_.inverse(noise_hat_.data() + c * m, u + c * points);
}

}  // namespace ff::spectral
