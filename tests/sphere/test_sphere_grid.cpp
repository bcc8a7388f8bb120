#include "core/error.hpp"
#include "solvers/sphere/legendre.hpp"
#include "solvers/sphere/sphere_grid.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace ff::sphere;

namespace {

constexpr double pi = 3.14159265358979323846;

double integrate_power(const SphereGrid& g, int k) {
  double s = 0;
  for (int j = 0; j < g.nlat; ++j) s += g.weights[j] * std::pow(g.cos_theta[j], k);
  return s;
}

double exact_power_integral(int k) { return k % 2 ? 0.0 : 2.0 / (k + 1); }

}  // namespace

TEST(SphereGrid, GaussIsExactToDegreeTwoNMinusOne) {
  for (int n : {2, 7, 64, 513}) {
    const SphereGrid g = make_sphere_grid(GridKind::gauss, n, 4);
    for (int k = 0; k <= 2 * n - 1; k += (n > 64 ? 37 : 1))
      EXPECT_NEAR(integrate_power(g, k), exact_power_integral(k), 2e-14) << "n " << n << " degree " << k;
  }
}

TEST(SphereGrid, GaussNodesAreRootsAndSymmetric) {
  const SphereGrid g = make_sphere_grid(GridKind::gauss, 2048, 4);
  for (int j = 1; j < g.nlat; ++j) EXPECT_GT(g.theta[j], g.theta[j - 1]);
  for (int j = 0; j < g.nlat; ++j) {
    EXPECT_EQ(g.cos_theta[j], -g.cos_theta[g.nlat - 1 - j]);
    // sin θ from θ itself agrees with √(1 − x²) where that is accurate.
    if (std::abs(g.cos_theta[j]) < 0.5)
      EXPECT_NEAR(g.sin_theta[j], std::sqrt(1 - g.cos_theta[j] * g.cos_theta[j]), 1e-15);
  }
  EXPECT_NEAR(integrate_power(g, 0), 2.0, 1e-13);
  EXPECT_NEAR(integrate_power(g, 4094), exact_power_integral(4094), 1e-13);
}

TEST(SphereGrid, ClenshawCurtisIsExactToDegreeNMinusOne) {
  for (int n : {3, 8, 65, 256}) {
    const SphereGrid g = make_sphere_grid(GridKind::equiangular, n, 4);
    EXPECT_EQ(g.sin_theta[0], 0.0);
    EXPECT_EQ(g.cos_theta[0], 1.0);
    for (int k = 0; k <= n - 1; ++k)
      EXPECT_NEAR(integrate_power(g, k), exact_power_integral(k), 1e-14) << "n " << n << " degree " << k;
  }
}

TEST(SphereGrid, BadSizesAndNamesAreInputErrors) {
  EXPECT_THROW(make_sphere_grid(GridKind::gauss, 1, 4), ff::InputError);
  EXPECT_THROW(make_sphere_grid(GridKind::gauss, 8, 0), ff::InputError);
  EXPECT_THROW(grid_kind_from_string("healpix"), ff::InputError);
  EXPECT_EQ(grid_kind_from_string("equiangular"), GridKind::equiangular);
}

TEST(Legendre, OrthonormalUnderGaussQuadrature) {
  const int lmax = 96;
  const SphereGrid g = make_sphere_grid(GridKind::gauss, lmax + 1, 2 * lmax + 2);
  const std::vector<double> p = legendre_values(lmax, lmax, g.cos_theta, g.sin_theta);
  double worst = 0;
  for (int m = 0; m <= lmax; m += 7)
    for (int l = m; l <= lmax; ++l)
      for (int k = m; k <= lmax; ++k) {
        double s = 0;
        for (int j = 0; j < g.nlat; ++j)
          s += g.weights[j] * p[triangular_index(lmax, l, m) * g.nlat + j] *
               p[triangular_index(lmax, k, m) * g.nlat + j];
        worst = std::max(worst, std::abs(2 * pi * s - (l == k ? 1.0 : 0.0)));
      }
  EXPECT_LT(worst, 1e-13);
}

TEST(Legendre, LowDegreesInClosedForm) {
  const std::vector<double> theta{0.1, 0.7, 1.5, 2.9};
  std::vector<double> c, s;
  for (double t : theta) c.push_back(std::cos(t)), s.push_back(std::sin(t));
  const std::vector<double> p = legendre_values(2, 2, c, s);
  for (std::size_t j = 0; j < theta.size(); ++j) {
    const auto at = [&](int l, int m) { return p[triangular_index(2, l, m) * theta.size() + j]; };
    EXPECT_NEAR(at(0, 0), std::sqrt(1 / (4 * pi)), 1e-15);
    EXPECT_NEAR(at(1, 0), std::sqrt(3 / (4 * pi)) * c[j], 1e-15);
    EXPECT_NEAR(at(1, 1), -std::sqrt(3 / (8 * pi)) * s[j], 1e-15);
    EXPECT_NEAR(at(2, 0), std::sqrt(5 / (16 * pi)) * (3 * c[j] * c[j] - 1), 1e-15);
    EXPECT_NEAR(at(2, 1), -std::sqrt(15 / (8 * pi)) * s[j] * c[j], 1e-15);
    EXPECT_NEAR(at(2, 2), std::sqrt(15 / (32 * pi)) * s[j] * s[j], 1e-15);
  }
}

// At lmax 2047 P̄_mm underflows near the poles; the scaled recurrence must
// still give finite values that are orthonormal, for the highest orders too.
TEST(Legendre, NoUnderflowOrOverflowAtLmax2047) {
  const int lmax = 2047;
  const SphereGrid g = make_sphere_grid(GridKind::gauss, lmax + 1, 8);
  const DiagonalLegendre d = diagonal_legendre(lmax, g.sin_theta);
  int scaled = 0;
  for (int s : d.scale) scaled += s > 0;
  EXPECT_GT(scaled, 0) << "the test should reach the underflowing range";
  // Σ_j w_j P̄_mm² = 1/(2π), with the scaled (negligible) lanes left out.
  for (int m : {0, 500, 1500, 2047}) {
    double s = 0;
    for (int j = 0; j < g.nlat; ++j)
      if (d.scale[static_cast<long>(m) * g.nlat + j] == 0) {
        const double v = d.mantissa[static_cast<long>(m) * g.nlat + j];
        ASSERT_TRUE(std::isfinite(v));
        s += g.weights[j] * v * v;
      }
    EXPECT_NEAR(2 * pi * s, 1.0, 1e-12) << "m " << m;
  }
}
