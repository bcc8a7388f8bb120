#include "solvers/sphere/random_flow.hpp"

#include "core/error.hpp"
#include "solvers/sphere/legendre.hpp"

#include <cmath>

namespace ff::sphere {

void set_random_balanced_state(ShallowWater& solver, const RandomFlowOptions& o, SampleRng& rng) {
  SphereCalculus& calc = solver.calculus();
  const SphereGrid& g = calc.grid();
  const int L = calc.lmax(), top = std::min(o.max_degree, L);
  FF_REQUIRE(top >= 1, InputError, "initial.max_degree must be at least 1, got {}", o.max_degree);
  const long n = calc.coefficient_count();
  const std::size_t points = static_cast<std::size_t>(g.nlat) * g.nlon;

  Coefficients psi(n, 0.0), zero(n, 0.0);
  for (int m = 0; m <= top; ++m)
    for (int l = std::max(m, 1); l <= top; ++l) {
      const double amplitude = std::pow(l * (l + 1.0), -0.5 * o.slope);
      const double re = rng.normal(), im = m == 0 ? 0.0 : rng.normal();
      psi[calc.index(l, m)] = amplitude * std::complex<double>(re, im);
    }
  std::vector<double> u(points), v(points);
  calc.velocity_from_potentials(psi.data(), zero.data(), u.data(), v.data());
  double mean_square = 0;
  for (int j = 0; j < g.nlat; ++j)
    for (int k = 0; k < g.nlon; ++k) {
      const std::size_t i = static_cast<std::size_t>(j) * g.nlon + k;
      mean_square += 0.5 * g.weights[j] / g.nlon * (u[i] * u[i] + v[i] * v[i]);
    }
  FF_REQUIRE(mean_square > 0 && std::isfinite(mean_square), InputError,
             "initial: the streamfunction spectrum (slope {}, max_degree {}) gives no representable flow", o.slope,
             o.max_degree);
  const double scale = o.rms_speed / std::sqrt(mean_square);
  for (auto& c : psi) c *= scale;

  // Linear balance: Φ' = ∇⁻² ∇·(f ∇ψ), with f = 2Ω sin(latitude).
  Coefficients vorticity = psi, divergence(n, 0.0), geopotential(n, 0.0), curl(n);
  calc.laplacian(vorticity.data());
  calc.velocity_from_potentials(zero.data(), psi.data(), u.data(), v.data());  // ∇ψ
  for (int j = 0; j < g.nlat; ++j) {
    const double f = 2.0 * solver.options().omega * g.cos_theta[j];
    for (int k = 0; k < g.nlon; ++k) {
      u[static_cast<std::size_t>(j) * g.nlon + k] *= f;
      v[static_cast<std::size_t>(j) * g.nlon + k] *= f;
    }
  }
  calc.vorticity_divergence(u.data(), v.data(), curl.data(), geopotential.data());
  calc.inverse_laplacian(geopotential.data());
  geopotential[calc.index(0, 0)] = solver.options().gravity * o.mean_depth * std::sqrt(4.0 * M_PI);
  solver.set_spectral_state(vorticity, divergence, geopotential);
}

}  // namespace ff::sphere
