#include "core/error.hpp"
#include "solvers/spectral/navier_stokes_2d.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>

namespace {

using namespace ff::spectral;

std::vector<double> sample_on_grid(int n, const std::function<double(double, double)>& f) {
  std::vector<double> values(static_cast<long>(n) * n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) values[static_cast<long>(i) * n + j] = f(double(i) / n, double(j) / n);
  return values;
}

std::string scientific(double value) { return fmt::format("{:.3e}", value); }

double relative_l2(const std::vector<double>& a, const std::vector<double>& b) {
  double diff = 0, norm = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff += (a[i] - b[i]) * (a[i] - b[i]);
    norm += b[i] * b[i];
  }
  return std::sqrt(diff / norm);
}

// A smooth flow with modes up to |k| = 3, inside the 2/3 band of a 32² grid.
double smooth_vorticity(double x, double y) {
  const double t = 2 * M_PI;
  return 6 * std::sin(t * x) * std::sin(2 * t * y) + 4 * std::cos(t * (3 * x + y)) - 3 * std::sin(t * (x - 2 * y));
}

std::vector<double> fno_forcing(int n) {
  return sample_on_grid(
      n, [](double x, double y) { return 0.1 * (std::sin(2 * M_PI * (x + y)) + std::cos(2 * M_PI * (x + y))); });
}

// Modes on one Laplacian shell (|k|² = 5) make ψ ∝ w, so u·∇w = 0 and the
// flow decays exactly as exp(−ν|2πk|²t). IFRK4 integrates the decay exactly.
// The fno scheme rounds its Crank–Nicolson factors to float32 as the FNO
// generator does, which changes the decay per step by up to about 1.5·2^−24
// relative, so after 4000 steps it is within 4000·1.5·2^−24 = 3.6e-4.
TEST(NavierStokes2D, TaylorGreenDecaysAtTheExactRate) {
  for (TimeScheme scheme : {TimeScheme::ifrk4, TimeScheme::fno}) {
    NavierStokes2DOptions o;
    o.n = 32;
    o.nu = 1e-3;
    o.dt = 2.5e-4;
    o.scheme = scheme;
    const double t = 2 * M_PI;
    auto shell = [&](double x, double y) { return std::cos(t * (x + 2 * y)) + 0.5 * std::sin(t * (2 * x - y)); };
    NavierStokes2D ns(o, {});
    const auto w0 = sample_on_grid(o.n, shell);
    ns.set_vorticity(w0.data());
    ns.advance(4000);
    const double decay = std::exp(-o.nu * 5 * t * t * ns.time());
    std::vector<double> exact(w0.size()), w(w0.size());
    for (size_t i = 0; i < w0.size(); ++i) exact[i] = decay * w0[i];
    ns.vorticity(w.data());
    const double error = relative_l2(w, exact);
    const bool fno = scheme == TimeScheme::fno;
    RecordProperty(fno ? "relative_error_fno" : "relative_error_ifrk4", scientific(error));
    EXPECT_LT(error, fno ? 4000 * 1.5 * 0x1p-24 : 1e-12);
    if (fno) EXPECT_GT(error, 1e-9) << "the float32 factors should show";
  }
}

// Self-convergence against a run with dt/64 on a forced flow: IFRK4 is
// fourth order in time, the FNO generator's step (one explicit advection
// evaluation) first order.
TEST(NavierStokes2D, ObservedOrderInTime) {
  for (TimeScheme scheme : {TimeScheme::ifrk4, TimeScheme::fno}) {
    auto run = [scheme](double dt) {
      NavierStokes2DOptions o;
      o.n = 32;
      o.nu = 1e-3;
      o.dt = dt;
      o.scheme = scheme;
      NavierStokes2D ns(o, fno_forcing(o.n));
      const auto w0 = sample_on_grid(o.n, smooth_vorticity);
      ns.set_vorticity(w0.data());
      ns.advance_to(0.5);
      std::vector<double> w(w0.size());
      ns.vorticity(w.data());
      return w;
    };
    const bool fno = scheme == TimeScheme::fno;
    const double expected = fno ? 1.0 : 4.0;
    const auto reference = run(0.02 / 64);
    double previous = 0;
    for (double dt : {0.02, 0.01, 0.005}) {
      const double error = relative_l2(run(dt), reference);
      if (previous > 0) {
        const double order = std::log2(previous / error);
        RecordProperty(fmt::format("order_{}_dt_{}", fno ? "fno" : "ifrk4", dt), scientific(order));
        EXPECT_NEAR(order, expected, 0.2) << "dt = " << dt << ", error " << error;
      }
      previous = error;
    }
  }
}

// With a CFL number the steps adapt to the flow: the run lands on the
// requested time exactly and agrees with a fixed small step to the scheme's
// accuracy.
TEST(NavierStokes2D, CflControlledStepsLandOnTime) {
  NavierStokes2DOptions o;
  o.n = 32;
  o.nu = 1e-3;
  o.dt = 0.1;
  o.cfl = 0.5;
  NavierStokes2D adaptive(o, fno_forcing(o.n));
  const auto w0 = sample_on_grid(o.n, smooth_vorticity);
  adaptive.set_vorticity(w0.data());
  adaptive.advance_to(0.37);
  EXPECT_EQ(adaptive.time(), 0.37);
  const long steps = adaptive.steps_taken();
  RecordProperty("adaptive_steps", std::to_string(steps));
  EXPECT_GT(steps, 10);
  EXPECT_LT(steps, 400);

  o.cfl = 0;
  o.dt = 0.37 / 2000;
  NavierStokes2D fine(o, fno_forcing(o.n));
  fine.set_vorticity(w0.data());
  fine.advance_to(0.37);
  std::vector<double> a(w0.size()), b(w0.size());
  adaptive.vorticity(a.data());
  fine.vorticity(b.data());
  const double difference = relative_l2(a, b);
  RecordProperty("difference_to_fixed_small_step", scientific(difference));
  EXPECT_LT(difference, 1e-5);
}

// dE/dt = −2νZ − 2μE + ⟨ψf⟩ and dZ/dt = −2νP − 2μZ + ⟨wf⟩ (the dealiased
// advection conserves E and Z exactly for band-limited states). Integrated
// over the run by the trapezoid rule, the residual is the O(dt²) error of
// that quadrature (IFRK4's own error is O(dt⁴)): below 1e-5 of the budget's
// size, and about four times smaller at half the step.
TEST(NavierStokes2D, EnergyAndEnstrophyBudgetsClose) {
  auto residuals = [](double dt) {
    NavierStokes2DOptions o;
    o.n = 32;
    o.nu = 1e-2;
    o.drag = 0.1;
    o.dt = dt;
    NavierStokes2D ns(o, sample_on_grid(o.n, [](double, double y) { return 2 * std::sin(2 * M_PI * 2 * y); }));
    const auto w0 = sample_on_grid(o.n, smooth_vorticity);
    ns.set_vorticity(w0.data());
    auto rates = [&](const FlowDiagnostics& d) {
      return std::array<double, 2>{-2 * o.nu * d.enstrophy - 2 * o.drag * d.energy + d.energy_input,
                                   -2 * o.nu * d.palinstrophy - 2 * o.drag * d.enstrophy + d.enstrophy_input};
    };
    const FlowDiagnostics start = ns.diagnostics();
    FlowDiagnostics before = start;
    std::array<double, 2> integral{0, 0}, scale{0, 0};
    for (long s = 0; s < std::lround(1.0 / dt); ++s) {
      ns.advance(1);
      const FlowDiagnostics after = ns.diagnostics();
      const auto r0 = rates(before), r1 = rates(after);
      for (int q = 0; q < 2; ++q) {
        integral[q] += 0.5 * dt * (r0[q] + r1[q]);
        scale[q] += 0.5 * dt * (std::abs(r0[q]) + std::abs(r1[q]));
      }
      before = after;
    }
    return std::array<double, 2>{std::abs(before.energy - start.energy - integral[0]) / scale[0],
                                 std::abs(before.enstrophy - start.enstrophy - integral[1]) / scale[1]};
  };
  const auto coarse = residuals(2e-3), fine = residuals(1e-3);
  for (int q = 0; q < 2; ++q) {
    const char* name = q == 0 ? "energy" : "enstrophy";
    RecordProperty(std::string(name) + "_residual", scientific(fine[q]));
    EXPECT_LT(fine[q], 1e-5) << name;
    EXPECT_GT(coarse[q] / fine[q], 3.0) << name << ": " << coarse[q] << " -> " << fine[q];
  }
}

TEST(NavierStokes2D, CflViolationStopsWithTimeAndNumber) {
  NavierStokes2DOptions o;
  o.n = 32;
  o.dt = 0.05;
  NavierStokes2D ns(o, {});
  const auto w0 = sample_on_grid(o.n, smooth_vorticity);
  ns.set_vorticity(w0.data());
  try {
    ns.advance(10);
    FAIL() << "expected a CFL error";
  } catch (const ff::RunError& e) {
    EXPECT_NE(std::string(e.what()).find("CFL number"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("t = 0"), std::string::npos) << e.what();
  }
}

TEST(NavierStokes2D, NonFiniteFlowStopsWithTime) {
  NavierStokes2DOptions o;
  o.n = 16;
  NavierStokes2D ns(o, {});
  auto w0 = sample_on_grid(o.n, smooth_vorticity);
  w0[5] = std::numeric_limits<double>::infinity();
  ns.set_vorticity(w0.data());
  try {
    ns.advance(1);
    FAIL() << "expected a non-finite error";
  } catch (const ff::RunError& e) {
    EXPECT_NE(std::string(e.what()).find("not finite at t = 0"), std::string::npos) << e.what();
  }
}

}  // namespace
