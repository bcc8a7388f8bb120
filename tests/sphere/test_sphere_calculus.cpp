#include "solvers/sphere/sphere_calculus.hpp"

#include "core/error.hpp"
#include "solvers/sphere/legendre.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace ff::sphere;

namespace {

constexpr double pi = 3.14159265358979323846;

Coefficients random_field(const SphereCalculus& c, unsigned seed, bool zero_mean) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  Coefficients a(c.coefficient_count());
  for (int m = 0; m <= c.lmax(); ++m)
    for (int l = std::max(m, zero_mean ? 1 : 0); l <= c.lmax(); ++l)
      a[c.index(l, m)] = {normal(rng), m == 0 ? 0.0 : normal(rng)};
  return a;
}

double max_difference(const Coefficients& a, const Coefficients& b) {
  double worst = 0;
  for (std::size_t k = 0; k < a.size(); ++k) worst = std::max(worst, std::abs(a[k] - b[k]));
  return worst;
}

}  // namespace

// ψ = −a u0 (sin φ cos α − cos λ cos φ sin α) is solid-body rotation about an
// axis tilted by α: u = u0 (cos φ cos α + cos λ sin φ sin α), v = −u0 sin λ sin α.
TEST(SphereCalculus, SolidBodyRotationFromItsStreamfunction) {
  const int lmax = 10;
  const double radius = 2.5, u0 = 3.0, alpha = 0.7;
  const SphereGrid g = make_sphere_grid(GridKind::gauss, 16, 32);
  SphereCalculus calc(g, lmax, radius);
  Coefficients psi(calc.coefficient_count()), chi(psi.size());
  // sin φ = √(4π/3) Y_10;  cos φ cos λ = 2 Re(a11 Y_11) with a11 = −√(2π/3)
  psi[calc.index(1, 0)] = -radius * u0 * std::cos(alpha) * std::sqrt(4 * pi / 3);
  psi[calc.index(1, 1)] = radius * u0 * std::sin(alpha) * -std::sqrt(2 * pi / 3);
  std::vector<double> u(g.nlat * g.nlon), v(u.size());
  calc.velocity_from_potentials(psi.data(), chi.data(), u.data(), v.data());
  double worst = 0;
  for (int j = 0; j < g.nlat; ++j)
    for (int k = 0; k < g.nlon; ++k) {
      const double phi = 0.5 * pi - g.theta[j], lambda = g.longitude(k);
      const double ue = u0 * (std::cos(phi) * std::cos(alpha) + std::cos(lambda) * std::sin(phi) * std::sin(alpha));
      const double ve = -u0 * std::sin(lambda) * std::sin(alpha);
      worst = std::max({worst, std::abs(u[j * g.nlon + k] - ue), std::abs(v[j * g.nlon + k] - ve)});
    }
  EXPECT_LT(worst, 1e-13);
}

TEST(SphereCalculus, VorticityAndDivergenceRoundTrip) {
  const int lmax = 63;
  const SphereGrid g = make_sphere_grid(GridKind::gauss, 96, 192);
  SphereCalculus calc(g, lmax, 6.4e6);
  const Coefficients zeta = random_field(calc, 1, true), delta = random_field(calc, 2, true);
  std::vector<double> u(g.nlat * g.nlon), v(u.size());
  calc.velocity_from_vorticity_divergence(zeta.data(), delta.data(), u.data(), v.data());
  Coefficients zeta_back(zeta.size()), delta_back(zeta.size());
  calc.vorticity_divergence(u.data(), v.data(), zeta_back.data(), delta_back.data());
  EXPECT_LT(max_difference(zeta, zeta_back), 1e-12);
  EXPECT_LT(max_difference(delta, delta_back), 1e-12);
}

TEST(SphereCalculus, DivergenceOfGradientIsTheLaplacian) {
  const int lmax = 40;
  const SphereGrid g = make_sphere_grid(GridKind::gauss, 64, 128);
  SphereCalculus calc(g, lmax, 3.0);
  const Coefficients f = random_field(calc, 3, false), zero(f.size());
  std::vector<double> gx(g.nlat * g.nlon), gy(gx.size());
  calc.velocity_from_potentials(zero.data(), f.data(), gx.data(), gy.data());  // ∇f
  Coefficients curl(f.size()), div(f.size()), lap = f;
  calc.vorticity_divergence(gx.data(), gy.data(), curl.data(), div.data());
  calc.laplacian(lap.data());
  EXPECT_LT(max_difference(div, lap), 1e-11 * lmax * lmax / 9.0);
  EXPECT_LT(max_difference(curl, zero), 1e-11 * lmax * lmax / 9.0) << "the curl of a gradient vanishes";
}

TEST(SphereCalculus, RefusesGridsWithPolesOrTooFewLatitudes) {
  EXPECT_THROW(SphereCalculus(make_sphere_grid(GridKind::equiangular, 65, 64), 20), ff::InputError);
  EXPECT_THROW(SphereCalculus(make_sphere_grid(GridKind::gauss, 21, 64), 20), ff::InputError);
}
