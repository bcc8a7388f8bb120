#include "solvers/spectral/spectral_grid.hpp"

#include "solvers/fourier/modes.hpp"

#include <cmath>
#include <cstdlib>

namespace ff::spectral {

SpectralGrid::SpectralGrid(std::vector<int> grid_shape) : shape(std::move(grid_shape)) {
  const auto modes = half_spectrum_modes(shape);
  size = static_cast<long>(modes.size());
  for (auto& k : kappa) k.assign(size, 0.0);
  kappa_squared.resize(size);
  dealias.resize(size);
  weight.resize(size);
  shell.resize(size);
  const int d = static_cast<int>(shape.size());
  for (long i = 0; i < size; ++i) {
    const auto& m = modes[i];
    bool kept = true;
    for (int a = 0; a < d; ++a) {
      const bool nyquist = shape[a] % 2 == 0 && m.k[a] == shape[a] / 2;
      kappa[a][i] = nyquist ? 0.0 : 2 * M_PI * m.k[a];
      kept = kept && 3 * std::abs(m.k[a]) < shape[a];
    }
    kappa_squared[i] = 4 * M_PI * M_PI * k_squared(m.k);
    dealias[i] = kept ? 1.0 : 0.0;
    weight[i] = m.multiplicity;
    shell[i] = static_cast<int>(std::lround(std::sqrt(k_squared(m.k))));
  }
}

std::vector<double> diffusion_rate(const SpectralGrid& grid, double nu) {
  std::vector<double> rate(grid.size);
  for (long i = 0; i < grid.size; ++i) rate[i] = -nu * grid.kappa_squared[i];
  return rate;
}

void leray_project(const SpectralGrid& grid, std::complex<double>* u_hat) {
  const long m = grid.size;
  for (long k = 0; k < m; ++k) {
    const double kx = grid.kappa[0][k], ky = grid.kappa[1][k], kz = grid.kappa[2][k];
    const double q = kx * kx + ky * ky + kz * kz;
    if (q == 0) continue;  // a uniform flow is solenoidal already
    auto &ux = u_hat[k], &uy = u_hat[m + k], &uz = u_hat[2 * m + k];
    const std::complex<double> d = (kx * ux + ky * uy + kz * uz) / q;
    ux -= kx * d;
    uy -= ky * d;
    uz -= kz * d;
  }
}

}  // namespace ff::spectral
