// The Darcy solver on its node grid: against the series solution of the
// torsion problem (a = 1, f = 1) and with a coefficient that tells x from y.
#include "core/error.hpp"
#include "io/sample_loop.hpp"
#include "solvers/fem/darcy.hpp"
#include "solvers/fem/stage_inputs.hpp"
#include "solvers/linear/newton_options.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <string>
#include <vector>

namespace {

using namespace ff::fem;

// −Δu = 1 on the unit square, u = 0 on its boundary:
// u(x,y) = Σ_{m,n odd} 16 / (π⁴ m n (m² + n²)) sin(mπx) sin(nπy).
double torsion(double x, double y) {
  double u = 0;
  for (int m = 1; m < 400; m += 2)
    for (int n = 1; n < 400; n += 2)
      u += 16 / (std::pow(M_PI, 4) * m * n * (m * m + n * n)) * std::sin(m * M_PI * x) * std::sin(n * M_PI * y);
  return u;
}

// Largest error at the nodes (x, y) ∈ {1/4, 1/2, 3/4} x {1/4, 1/2} of an n x n grid.
double nodal_error(int n, bool simplex) {
  DarcyOptions options;
  options.n = n;
  options.simplex = simplex;
  DarcySolver solver(options);
  std::vector<double> a(n * n, 1.0), u(n * n);
  const auto result = solver.solve(a.data(), u.data());
  EXPECT_EQ(result.reason, "CONVERGED_RTOL");
  EXPECT_EQ(u[0], 0.0);
  EXPECT_EQ(u[(n - 1) * n + 3], 0.0);
  const int q = (n - 1) / 4;
  double error = 0;
  for (int i : {q, 2 * q, 3 * q})
    for (int j : {q, 2 * q})
      error = std::max(error, std::abs(u[i * n + j] - torsion(double(i) / (n - 1), double(j) / (n - 1))));
  return error;
}

// P1 and Q1 nodal values converge at O(h²) for this solution (the corner
// singularity of its second derivatives is too weak to spoil that away
// from the corners); halving h must cut the error by 4, i.e. order 2 within
// 0.15 (higher-order terms at these coarse grids).
TEST(Darcy, TorsionProblemConvergesAtSecondOrderAtTheNodes) {
  for (bool simplex : {true, false}) {
    const double coarse = nodal_error(21, simplex), fine = nodal_error(41, simplex);
    std::printf("[ order    ] Darcy %s torsion nodal error %.3e (n=21), %.3e (n=41), order %.3f\n",
                simplex ? "P1" : "Q1", coarse, fine, std::log2(coarse / fine));
    EXPECT_NEAR(std::log2(coarse / fine), 2.0, 0.15) << (simplex ? "P1" : "Q1");
    EXPECT_LT(fine, 1e-4);
  }
}

TEST(Darcy, AxisZeroOfTheGridIsX) {
  // a = 10 for x > 1/2: u is smaller on the right half.
  DarcyOptions options;
  options.n = 41;
  DarcySolver solver(options);
  std::vector<double> a(41 * 41), u(41 * 41);
  for (int i = 0; i < 41; ++i)
    for (int j = 0; j < 41; ++j) a[i * 41 + j] = i > 20 ? 10.0 : 1.0;
  solver.solve(a.data(), u.data());
  EXPECT_GT(u[10 * 41 + 20], 3 * u[30 * 41 + 20]);
  EXPECT_NEAR(u[20 * 41 + 10], u[20 * 41 + 30], 1e-8);  // symmetric in y
}

TEST(Darcy, NonPositiveCoefficientIsARunError) {
  DarcyOptions options;
  options.n = 5;
  DarcySolver solver(options);
  std::vector<double> a(25, 1.0), u(25);
  a[7] = 0;
  EXPECT_THROW(solver.solve(a.data(), u.data()), ff::RunError);
}

TEST(StageOptions, KrylovOptionsReadAPetscMap) {
  ff::OptionsSchema<ff::linear::KrylovOptions> petsc = ff::linear::krylov_options(ff::linear::NewtonOptions{}.linear);
  const ff::linear::KrylovOptions read =
      petsc.read(ff::config_from_text("{pc_type: jacobi, max_it: 7}", petsc.schema(), "test"));
  EXPECT_EQ(read.ksp_type, "gmres");
  EXPECT_EQ(read.pc_type, "jacobi");
  EXPECT_EQ(read.rtol, 1e-12);
  EXPECT_EQ(read.max_it, 7);
  EXPECT_EQ(read.options, "");
  EXPECT_EQ(read.prefix, "");
}

// The box keys are checked when the box is made: too short a list, or an
// upper corner not above the lower one, is an InputError naming the key.
TEST(StageOptions, BoxKeysAreCheckedByBoxMesh) {
  const ff::OptionsSchema<BoxKeys> box = box_options("2 or 3", "[4, 4, 4]", true, "[1, 1, 1]");
  auto make = [&](const std::string& text) {
    return box_mesh(box.read(ff::config_from_text(text, box.schema(), "test")));
  };
  const BoxMeshOptions made = make("{dim: 3, cells: [2, 3, 4], upper: [1, 2, 3]}");
  EXPECT_EQ(made.cells, (std::array<int, 3>{2, 3, 4}));
  EXPECT_EQ(made.upper, (std::array<double, 3>{1, 2, 3}));
  EXPECT_TRUE(made.simplex);
  EXPECT_THROW(make("{dim: 3, cells: [2, 3]}"), ff::InputError);
  EXPECT_THROW(make("{lower: [0, 1], upper: [1, 1]}"), ff::InputError);
  EXPECT_EQ(make("{dim: 2, cells: [5, 6], simplex: false}").cells, (std::array<int, 3>{5, 6, 8}));
}

}  // namespace
