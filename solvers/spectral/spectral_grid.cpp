#include "solvers/spectral/spectral_grid.hpp"

#include "solvers/spectral/modes.hpp"

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
  }
}

}  // namespace ff::spectral
