#include "core/error.hpp"
#include "core/rng.hpp"
#include "solvers/spectral/isotropic_velocity.hpp"
#include "solvers/spectral/navier_stokes_3d.hpp"
#include "solvers/spectral/recording.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace {

using namespace ff::spectral;

std::string scientific(double value) { return fmt::format("{:.3e}", value); }

double max_abs_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

double max_abs(const std::vector<double>& a) { return max_abs_difference(a, std::vector<double>(a.size(), 0.0)); }

// The ABC (Arnold–Beltrami–Childress) flow with unit wavenumber is a Beltrami
// field, ω = 2π u, so u × ω = 0 and it decays exactly as exp(−ν(2π)²t).
std::vector<double> abc_flow(int n, double a, double b, double c) {
  const long points = static_cast<long>(n) * n * n;
  std::vector<double> u(3 * points);
  const double t = 2 * M_PI;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k) {
        const double x = double(i) / n, y = double(j) / n, z = double(k) / n;
        const long p = (static_cast<long>(i) * n + j) * n + k;
        u[p] = a * std::sin(t * z) + c * std::cos(t * y);
        u[points + p] = b * std::sin(t * x) + a * std::cos(t * z);
        u[2 * points + p] = c * std::sin(t * y) + b * std::cos(t * x);
      }
  return u;
}

std::vector<double> isotropic_sample(int n, double peak, double energy, std::uint64_t index) {
  IsotropicVelocityOptions o;
  o.n = n;
  o.peak_wavenumber = peak;
  o.energy = energy;
  IsotropicVelocity field(o);
  std::vector<double> u(3L * n * n * n);
  ff::SampleRng rng(7, 0, index);
  field.sample(rng, u.data());
  return u;
}

TEST(NavierStokes3D, AbcFlowDecaysAtTheExactRate) {
  NavierStokes3DOptions o;
  o.n = 16;
  o.nu = 0.01;
  o.dt = 0.01;
  NavierStokes3D ns(o);
  const auto u0 = abc_flow(o.n, 1.0, 0.8, 0.6);
  ns.set_velocity(u0.data());
  ns.advance(100);
  const double decay = std::exp(-o.nu * 4 * M_PI * M_PI * ns.time());
  std::vector<double> exact(u0.size()), u(u0.size());
  for (size_t i = 0; i < u0.size(); ++i) exact[i] = decay * u0[i];
  ns.velocity(u.data());
  const double error = max_abs_difference(u, exact) / max_abs(exact);
  RecordProperty("relative_error", scientific(error));
  EXPECT_LT(error, 1e-10);
  EXPECT_LT(ns.diagnostics().divergence, 1e-13);
  // Beltrami: ω = ∇ × u = 2π u, which also pins the sign convention of the curl.
  std::vector<double> omega(u.size()), two_pi_u(u.size());
  ns.vorticity(omega.data());
  for (size_t i = 0; i < u.size(); ++i) two_pi_u[i] = 2 * M_PI * u[i];
  EXPECT_LT(max_abs_difference(omega, two_pi_u), 1e-12 * max_abs(two_pi_u));
}

TEST(NavierStokes3D, IsotropicInitialFieldHasThePrescribedSpectrum) {
  const int n = 24;
  IsotropicVelocityOptions o;
  o.n = n;
  o.peak_wavenumber = 3;
  o.energy = 0.5;
  const auto u = isotropic_sample(n, 3, 0.5, 0);
  EXPECT_EQ(u, isotropic_sample(n, 3, 0.5, 0)) << "sample i depends only on (seed, i)";
  EXPECT_GT(max_abs_difference(u, isotropic_sample(n, 3, 0.5, 1)), 0.1);

  NavierStokes3DOptions so;
  so.n = n;
  NavierStokes3D ns(so);
  ns.set_velocity(u.data());
  // Solenoidal and inside the 2/3 band already: the solver's projection keeps it.
  std::vector<double> kept(u.size());
  ns.velocity(kept.data());
  EXPECT_LT(max_abs_difference(kept, u), 1e-13 * max_abs(u));
  EXPECT_NEAR(ns.diagnostics().energy, 0.5, 1e-13);

  const auto spectrum = ns.energy_spectrum();
  const auto expected = IsotropicVelocity(o).shell_energy();
  for (size_t s = 0; s < expected.size(); ++s) EXPECT_NEAR(spectrum[s], expected[s], 1e-13) << "shell " << s;
  const auto peak = std::max_element(expected.begin(), expected.end()) - expected.begin();
  EXPECT_EQ(peak, 3);
}

TEST(NavierStokes3D, TurbulentFlowStaysSolenoidal) {
  NavierStokes3DOptions o;
  o.n = 24;
  o.nu = 2e-3;
  o.dt = 4e-3;
  NavierStokes3D ns(o);
  const auto u0 = isotropic_sample(o.n, 3, 0.5, 2);
  ns.set_velocity(u0.data());
  ns.advance(50);
  const auto d = ns.diagnostics();
  RecordProperty("divergence", scientific(d.divergence));
  EXPECT_LT(d.divergence, 1e-13);
  EXPECT_LT(d.energy, 0.5);
}

// dE/dt = −2νZ + ε, integrated step by step with the trapezoidal rule: the
// residual is the quadrature's O(dt²) error (IFRK4 itself is fourth order),
// so halving dt must shrink it about 4×.
TEST(NavierStokes3D, EnergyBudgetCloses) {
  const auto u0 = isotropic_sample(16, 2, 0.5, 3);
  auto residual = [&](double dt, double power) {
    NavierStokes3DOptions o;
    o.n = 16;
    o.nu = 0.01;
    o.dt = dt;
    o.forcing_power = power;
    NavierStokes3D ns(o);
    ns.set_velocity(u0.data());
    auto rate = [&](const TurbulenceDiagnostics& d) { return -d.dissipation + d.forcing_power; };
    const auto start = ns.diagnostics();
    auto before = start;
    double integral = 0, scale = 0;
    for (long s = 0; s < std::lround(0.4 / dt); ++s) {
      ns.advance(1);
      const auto after = ns.diagnostics();
      integral += 0.5 * dt * (rate(before) + rate(after));
      scale += 0.5 * dt * (std::abs(rate(before)) + std::abs(rate(after)));
      before = after;
    }
    return std::abs(before.energy - start.energy - integral) / scale;
  };
  for (double power : {0.0, 0.2}) {
    const double coarse = residual(4e-3, power), fine = residual(2e-3, power);
    RecordProperty(power > 0 ? "forced_residual" : "decaying_residual", scientific(fine));
    EXPECT_LT(fine, 1e-4) << "forcing power " << power;
    EXPECT_GT(coarse / fine, 3.0) << "forcing power " << power << ": " << coarse << " -> " << fine;
  }
}

TEST(NavierStokes3D, FourthOrderInTime) {
  const auto u0 = isotropic_sample(16, 2, 0.5, 4);
  auto solve = [&](double dt) {
    NavierStokes3DOptions o;
    o.n = 16;
    o.nu = 0.01;
    o.dt = dt;
    NavierStokes3D ns(o);
    ns.set_velocity(u0.data());
    ns.advance(std::lround(0.2 / dt));
    std::vector<double> u(u0.size());
    ns.velocity(u.data());
    return u;
  };
  const auto reference = solve(2.5e-4);
  std::vector<double> errors;
  for (double dt : {8e-3, 4e-3, 2e-3}) errors.push_back(max_abs_difference(solve(dt), reference));
  for (size_t i = 0; i + 1 < errors.size(); ++i) {
    const double order = std::log2(errors[i] / errors[i + 1]);
    RecordProperty(fmt::format("order_{}", i), fmt::format("{:.3f}", order));
    EXPECT_GT(order, 3.7) << errors[i] << " -> " << errors[i + 1];
  }
}

TEST(NavierStokes3D, CflViolationStopsWithTimeAndNumber) {
  NavierStokes3DOptions o;
  o.n = 16;
  o.dt = 0.1;
  NavierStokes3D ns(o);
  const auto u0 = abc_flow(o.n, 1, 1, 1);
  ns.set_velocity(u0.data());
  try {
    ns.advance(1);
    FAIL() << "expected a CFL error";
  } catch (const ff::RunError& e) {
    EXPECT_NE(std::string(e.what()).find("CFL number"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("t = 0"), std::string::npos) << e.what();
  }
}

TEST(NavierStokes3D, NonFiniteFlowStopsWithTime) {
  NavierStokes3DOptions o;
  o.n = 8;
  NavierStokes3D ns(o);
  auto u0 = abc_flow(o.n, 1, 1, 1);
  u0[3] = std::numeric_limits<double>::quiet_NaN();
  ns.set_velocity(u0.data());
  try {
    ns.advance(1);
    FAIL() << "expected a non-finite error";
  } catch (const ff::RunError& e) {
    EXPECT_NE(std::string(e.what()).find("not finite at t = 0"), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(Recording, SpinUpShiftsTheRecordsAndMustLeaveSomeToRecord) {
  const std::vector<double> times = ff::spectral::record_times(5.4, 0.02, 3.0);
  ASSERT_EQ(times.size(), 120u);
  EXPECT_NEAR(times.front(), 3.02, 1e-12);
  EXPECT_DOUBLE_EQ(times.back(), 5.4);
  EXPECT_EQ(ff::spectral::record_times(1.0, 0.1).front(), 0.1);
  EXPECT_THROW(ff::spectral::record_times(1.0, 0.1, 1.0), ff::InputError);   // nothing left to record
  EXPECT_THROW(ff::spectral::record_times(1.0, 0.3, 0.05), ff::InputError);  // 0.95 is not a multiple of 0.3
}
