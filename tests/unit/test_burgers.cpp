#include "core/error.hpp"
#include "solvers/spectral/burgers.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

namespace {

using namespace ff::spectral;

// Manufactured solution u = cos(t) g(x), g = exp(sin 2πx): smooth and not
// band-limited (Fourier coefficients I_k(1) fall faster than geometrically),
// with the forcing f = u_t + u u_x − ν u_xx that makes it exact.
struct Manufactured {
  double nu;
  static double g(double x) { return std::exp(std::sin(2 * M_PI * x)); }
  double u(double x, double t) const { return std::cos(t) * g(x); }
  double f(double x, double t) const {
    const double theta = 2 * M_PI * x, gx = g(x);
    const double g1 = 2 * M_PI * std::cos(theta) * gx;
    const double g2 = 4 * M_PI * M_PI * (std::cos(theta) * std::cos(theta) - std::sin(theta)) * gx;
    return -std::sin(t) * gx + std::cos(t) * std::cos(t) * gx * g1 - nu * std::cos(t) * g2;
  }
};

// Max-norm error at t = 1 of a fixed-step run.
double solve_error(int n, double dt) {
  const Manufactured exact{0.05};
  BurgersOptions o;
  o.n = n;
  o.nu = exact.nu;
  o.max_dt = dt;
  o.cfl = 1e3;  // fixed steps of dt; the stability of IFRK4 is the test's concern
  o.adaptive = false;
  Burgers1D burgers(o, [&](double t, double* f) {
    for (int j = 0; j < n; ++j) f[j] = exact.f(double(j) / n, t);
  });
  std::vector<double> u(n);
  for (int j = 0; j < n; ++j) u[j] = exact.u(double(j) / n, 0);
  burgers.set_state(u.data());
  burgers.advance_to(1.0);
  burgers.state(u.data());
  double error = 0;
  for (int j = 0; j < n; ++j) error = std::max(error, std::abs(u[j] - exact.u(double(j) / n, 1.0)));
  return error;
}

// Spectral accuracy: with the time error negligible (dt = 2.5e-4: 4e-13),
// each 6 more points gain at least a factor 30 until round-off.
TEST(Burgers1D, SpectralConvergenceInSpace) {
  double previous = 0;
  for (int n : {12, 18, 24, 30, 36, 42}) {
    const double error = solve_error(n, 2.5e-4);
    RecordProperty(fmt::format("error_n{}", n), fmt::format("{:.3e}", error));
    if (previous > 0) EXPECT_GT(previous / error, 30.0) << "n = " << n << ": " << previous << " -> " << error;
    previous = error;
  }
  EXPECT_LT(previous, 1e-10);
}

// IFRK4 is fourth order in time: halving dt divides the error by 16. At 48
// points the space error is 1e-13; dt = 8e-3 is near the explicit limit
// 2.8 / (max|u| κ_max).
TEST(Burgers1D, FourthOrderInTime) {
  double previous = 0;
  for (double dt : {0.008, 0.004, 0.002, 0.001}) {
    const double error = solve_error(48, dt);
    RecordProperty(fmt::format("error_dt_{}", dt), fmt::format("{:.3e}", error));
    if (previous > 0) {
      const double order = std::log2(previous / error);
      RecordProperty(fmt::format("order_dt_{}", dt), fmt::format("{:.3f}", order));
      EXPECT_NEAR(order, 4.0, 0.2) << "dt = " << dt;
    }
    previous = error;
  }
}

// Adaptive steps keep the CFL number at the limit for a steepening wave and
// still land exactly on the requested time; fixed steps refuse to violate it.
TEST(Burgers1D, CflLimitAdaptsOrStops) {
  BurgersOptions o;
  o.n = 256;
  o.nu = 0.01;
  o.max_dt = 0.05;
  std::vector<double> u(o.n);
  for (int j = 0; j < o.n; ++j) u[j] = 2 * std::sin(2 * M_PI * j / o.n);

  Burgers1D adaptive(o);
  adaptive.set_state(u.data());
  adaptive.advance_to(0.3);
  EXPECT_EQ(adaptive.time(), 0.3);
  EXPECT_GT(adaptive.steps_taken(), 10 * 0.3 / o.max_dt);

  o.adaptive = false;
  Burgers1D fixed(o);
  fixed.set_state(u.data());
  try {
    fixed.advance_to(0.3);
    FAIL() << "expected a CFL error";
  } catch (const ff::RunError& e) {
    EXPECT_NE(std::string(e.what()).find("CFL number"), std::string::npos) << e.what();
  }
}

TEST(Burgers1D, NonFiniteStateStopsWithTime) {
  BurgersOptions o;
  o.n = 32;
  Burgers1D burgers(o);
  std::vector<double> u(o.n, 0.0);
  u[3] = std::nan("");
  burgers.set_state(u.data());
  try {
    burgers.advance_to(0.1);
    FAIL() << "expected a non-finite error";
  } catch (const ff::RunError& e) {
    EXPECT_NE(std::string(e.what()).find("not finite at t = 0"), std::string::npos) << e.what();
  }
}

}  // namespace
