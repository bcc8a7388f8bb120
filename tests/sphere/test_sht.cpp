#include "solvers/sphere/sht.hpp"

#include "core/error.hpp"
#include "solvers/sphere/legendre.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <random>
#include <vector>

using namespace ff::sphere;
using cvec = std::vector<std::complex<double>>;

namespace {

constexpr double pi = 3.14159265358979323846;

// Random coefficients of a real band-limited field (a_l0 real).
cvec random_coefficients(const SphericalHarmonicTransform& sht, int nfields, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  cvec a(sht.coefficient_count() * nfields);
  for (int f = 0; f < nfields; ++f)
    for (int m = 0; m <= sht.mmax(); ++m)
      for (int l = m; l <= sht.lmax(); ++l)
        a[f * sht.coefficient_count() + sht.index(l, m)] = {normal(rng), m == 0 ? 0.0 : normal(rng)};
  return a;
}

double max_abs_difference(const cvec& a, const cvec& b) {
  double worst = 0;
  for (std::size_t k = 0; k < a.size(); ++k) worst = std::max(worst, std::abs(a[k] - b[k]));
  return worst;
}

double round_trip_error(GridKind kind, int lmax, LegendreMode mode, int nfields = 1) {
  const int nlat = kind == GridKind::gauss ? lmax + 1 : 2 * lmax + 2;
  const SphereGrid g = make_sphere_grid(kind, nlat, 2 * lmax + 2);
  SphericalHarmonicTransform sht(g, {lmax, -1, mode, 1});
  const cvec a = random_coefficients(sht, nfields, 7);
  std::vector<double> f(static_cast<std::size_t>(nfields) * g.nlat * g.nlon);
  cvec back(a.size());
  sht.inverse(a.data(), f.data(), nfields);
  sht.forward(f.data(), back.data(), nfields);
  return max_abs_difference(a, back);
}

}  // namespace

TEST(Sht, KnownHarmonicsTransformExactly) {
  const int lmax = 16;
  const SphereGrid g = make_sphere_grid(GridKind::gauss, lmax + 1, 2 * lmax + 2);
  SphericalHarmonicTransform sht(g, {lmax});
  std::vector<double> f(g.nlat * g.nlon);
  // f = cos θ + sin θ cos φ + 0.5 sin²θ sin 2φ: Y_10, Y_11 and Y_22 only.
  for (int j = 0; j < g.nlat; ++j)
    for (int k = 0; k < g.nlon; ++k) {
      const double c = g.cos_theta[j], s = g.sin_theta[j], phi = g.longitude(k);
      f[j * g.nlon + k] = c + s * std::cos(phi) + 0.5 * s * s * std::sin(2 * phi);
    }
  cvec a(sht.coefficient_count());
  sht.forward(f.data(), a.data());
  cvec expected(a.size());
  expected[sht.index(1, 0)] = std::sqrt(4 * pi / 3);
  expected[sht.index(1, 1)] = -std::sqrt(2 * pi / 3);  // Y_11 = −√(3/8π) sin θ e^{iφ}
  // 0.5 sin²θ sin 2φ = 2 Re(a Y_22) with Y_22 = √(15/32π) sin²θ e^{2iφ}: a = −i √(32π/15) / 4
  expected[sht.index(2, 2)] = {0.0, -std::sqrt(32 * pi / 15) / 4};
  EXPECT_LT(max_abs_difference(a, expected), 1e-14);
}

TEST(Sht, RoundTripOnGaussGridsUpToLmax511) {
  for (int lmax : {1, 15, 64, 255, 511})
    EXPECT_LT(round_trip_error(GridKind::gauss, lmax, LegendreMode::on_the_fly), 1e-12) << "lmax " << lmax;
  EXPECT_LT(round_trip_error(GridKind::gauss, 255, LegendreMode::table), 1e-12);
}

TEST(Sht, RoundTripOnEquiangularGrids) {
  for (int lmax : {3, 32, 127})
    for (LegendreMode mode : {LegendreMode::on_the_fly, LegendreMode::table})
      EXPECT_LT(round_trip_error(GridKind::equiangular, lmax, mode), 1e-12) << "lmax " << lmax;
}

TEST(Sht, LegendreModesBatchesAndThreadsAgree) {
  const int lmax = 95, nfields = 5;
  const SphereGrid g = make_sphere_grid(GridKind::gauss, 128, 256);
  SphericalHarmonicTransform table(g, {lmax, -1, LegendreMode::table, 1});
  SphericalHarmonicTransform fly(g, {lmax, -1, LegendreMode::on_the_fly, 2});
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  std::vector<double> f(nfields * g.nlat * g.nlon);
  for (double& v : f) v = normal(rng);
  cvec a(nfields * table.coefficient_count()), b(a.size()), single(a.size());
  table.forward(f.data(), a.data(), nfields);
  fly.forward(f.data(), b.data(), nfields);
  for (int k = 0; k < nfields; ++k)
    fly.forward(f.data() + k * g.nlat * g.nlon, single.data() + k * table.coefficient_count(), 1);
  EXPECT_LT(max_abs_difference(a, b), 1e-13);
  EXPECT_EQ(max_abs_difference(b, single), 0.0) << "batching changes no sum";

  std::vector<double> u(f.size()), v(f.size());
  table.inverse(a.data(), u.data(), nfields);
  fly.inverse(a.data(), v.data(), nfields);
  double worst = 0;
  for (std::size_t k = 0; k < u.size(); ++k) worst = std::max(worst, std::abs(u[k] - v[k]));
  EXPECT_LT(worst, 1e-12);
}

// At lmax 2047 the recurrence crosses the underflow range near the poles for
// high m; a field made of a few high-order harmonics must come back intact.
TEST(Sht, HighOrdersSurviveAtLmax2047) {
  const int lmax = 2047;
  const SphereGrid g = make_sphere_grid(GridKind::gauss, lmax + 1, 2 * lmax + 2);
  SphericalHarmonicTransform sht(g, {lmax, -1, LegendreMode::on_the_fly, 2});
  cvec a(sht.coefficient_count());
  a[sht.index(2047, 2047)] = {1.0, -0.5};
  a[sht.index(2047, 1900)] = {0.3, 0.2};
  a[sht.index(1800, 1790)] = {-0.7, 0.0};
  a[sht.index(1024, 3)] = {0.1, 0.9};
  a[sht.index(5, 0)] = 2.0;
  std::vector<double> f(static_cast<std::size_t>(g.nlat) * g.nlon);
  cvec back(a.size());
  sht.inverse(a.data(), f.data());
  for (double v : f) ASSERT_TRUE(std::isfinite(v));
  sht.forward(f.data(), back.data());
  EXPECT_LT(max_abs_difference(a, back), 1e-11);
}

TEST(Sht, GridsThatCannotResolveLmaxAreInputErrors) {
  const SphereGrid gauss = make_sphere_grid(GridKind::gauss, 32, 64);
  EXPECT_THROW(SphericalHarmonicTransform(gauss, {32}), ff::InputError);
  const SphereGrid equi = make_sphere_grid(GridKind::equiangular, 32, 64);
  EXPECT_THROW(SphericalHarmonicTransform(equi, {16}), ff::InputError);
  const SphereGrid narrow = make_sphere_grid(GridKind::gauss, 32, 40);
  EXPECT_THROW(SphericalHarmonicTransform(narrow, {31}), ff::InputError);
  ShtOptions huge_table{31, -1, LegendreMode::table, 1, 1e-6};
  EXPECT_THROW(SphericalHarmonicTransform(gauss, huge_table), ff::InputError);
}
