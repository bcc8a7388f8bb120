#include "solvers/sphere/shallow_water.hpp"

#include "core/error.hpp"
#include "solvers/sphere/williamson.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace ff::sphere;

namespace {

constexpr double pi = 3.14159265358979323846;
constexpr double day = 86400.0;

ShallowWaterOptions options_for(int lmax, double dt) {
  ShallowWaterOptions o;
  o.lmax = lmax;
  o.dt = dt;
  return o;
}

}  // namespace

// Williamson test 2 is an exact steady state of the continuous equations and,
// its fields being of degree ≤ 2, of the discrete ones too: over 5 days the
// height may only drift by round-off.
TEST(ShallowWater, Williamson2StaysSteadyForFiveDays) {
  const PlanetConstants planet;
  for (double alpha : {0.0, 0.05, 0.25 * pi, 0.5 * pi}) {
    ShallowWaterOptions o = options_for(31, 600.0);
    int nlat = 0, nlon = 0;
    default_grid_for(o.lmax, nlat, nlon);
    const SphereGrid g = make_sphere_grid(GridKind::gauss, nlat, nlon);
    ShallowWater sw(o, williamson2_coriolis(g, planet, alpha));
    const ShallowWaterState s = williamson2(g, planet, alpha);
    sw.set_state(s.u.data(), s.v.data(), s.h.data());
    const ShallowWaterDiagnostics before = sw.diagnostics();
    sw.advance(static_cast<long>(5 * day / o.dt));
    std::vector<double> h(s.h.size());
    sw.height(h.data());
    const NormalizedErrors e = normalized_errors(g, h, s.h);
    EXPECT_LT(e.l2, 1e-11) << "alpha " << alpha;
    EXPECT_LT(e.linf, 1e-11) << "alpha " << alpha;
    const ShallowWaterDiagnostics after = sw.diagnostics();
    EXPECT_NEAR(after.mass, before.mass, 1e-13 * before.mass);
    EXPECT_NEAR(after.energy, before.energy, 1e-11 * before.energy);
  }
}

// Rossby–Haurwitz wave over 12 hours at dt, dt/2, dt/4: differences between
// successive runs fall by 2^3 (third-order Adams–Bashforth).
TEST(ShallowWater, TimeIntegrationIsThirdOrder) {
  const PlanetConstants planet;
  const double t_final = 12 * 3600.0;
  std::vector<std::vector<double>> heights;
  for (double dt : {300.0, 150.0, 75.0, 37.5}) {
    ShallowWater sw(options_for(21, dt));
    const ShallowWaterState s = rossby_haurwitz(sw.grid(), planet);
    sw.set_state(s.u.data(), s.v.data(), s.h.data());
    sw.advance(static_cast<long>(std::lround(t_final / dt)));
    std::vector<double> h(s.h.size());
    sw.height(h.data());
    heights.push_back(h);
  }
  std::vector<double> differences;
  for (std::size_t k = 1; k < heights.size(); ++k) {
    double d = 0;
    for (std::size_t i = 0; i < heights[k].size(); ++i) d = std::max(d, std::abs(heights[k][i] - heights[k - 1][i]));
    differences.push_back(d);
  }
  for (std::size_t k = 1; k < differences.size(); ++k) {
    const double order = std::log2(differences[k - 1] / differences[k]);
    EXPECT_NEAR(order, 3.0, 0.3) << "refinement " << k << ": differences " << differences[k - 1] << " and "
                                 << differences[k];
  }
}

TEST(ShallowWater, MassIsConservedAndEnergyNearlySoOnTheRossbyHaurwitzWave) {
  const PlanetConstants planet;
  ShallowWater sw(options_for(42, 150.0));
  const ShallowWaterState s = rossby_haurwitz(sw.grid(), planet);
  sw.set_state(s.u.data(), s.v.data(), s.h.data());
  const ShallowWaterDiagnostics before = sw.diagnostics();
  sw.advance(static_cast<long>(2 * day / 150.0));
  const ShallowWaterDiagnostics after = sw.diagnostics();
  EXPECT_NEAR(after.mass, before.mass, 1e-13 * before.mass);
  EXPECT_NEAR(after.energy, before.energy, 1e-6 * before.energy);
  EXPECT_NEAR(after.enstrophy, before.enstrophy, 1e-4 * before.enstrophy);
}

TEST(ShallowWater, BlowUpIsARunErrorNamingTheTime) {
  const PlanetConstants planet;
  ShallowWater sw(options_for(42, 20000.0));  // far beyond the gravity-wave limit
  const ShallowWaterState s = rossby_haurwitz(sw.grid(), planet);
  sw.set_state(s.u.data(), s.v.data(), s.h.data());
  try {
    sw.advance(2000);
    FAIL() << "expected a RunError";
  } catch (const ff::RunError& e) {
    EXPECT_NE(std::string(e.what()).find("no longer finite"), std::string::npos) << e.what();
  }
}
