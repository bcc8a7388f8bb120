// Verification of the heat solver: observed orders in time and in space
// against manufactured solutions, and a distributed run against a serial one.
//
// Time. u = p(x) T(t) with p quadratic and Dirichlet data g = u on the whole
// boundary: u(·, t) lies in the P2 space, so the semi-discrete Galerkin
// solution is exactly its interpolant (quadrature exact) and the error at
// t = 1 is the θ-scheme's alone: O(Δt²) for θ = 1/2, O(Δt) for θ = 1.
// Crank–Nicolson's truncation error is M times a smooth function of t, so no
// order is lost to the stiffness of K. Time-dependent Dirichlet values are
// exercised at both time levels of every step.
//
// Space. u = (1 + t) s(x) with s smooth, and every kind of condition on some
// side (Dirichlet, Neumann, Robin, with data from u). u is linear in t, so
// both the θ-scheme's differences and its averages are exact for it: the
// error is the spatial one only, O(h^(k+1)) in L2 and O(h^k) in H1, whatever
// Δt (four steps of 1/4 here). Orders are checked on the last refinement
// within 0.1 of nominal, as in test_convergence.cpp.
#include "core/error.hpp"
#include "solvers/fem/heat.hpp"
#include "solvers/fem/mesh_export.hpp"
#include "solvers/fem/norms.hpp"
#include "unit_box.hpp"

#include <gtest/gtest.h>
#include <petscsys.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace {

using namespace ff::fem;
using test::unit_box;

// ---- time: u = p(x, y) T(t), c = 2, k = 1 + x --------------------------------

double p_quadratic(const double* x) { return 1 + x[0] + 2 * x[1] * x[1] + x[0] * x[1]; }
double time_factor(double t) { return 1 + std::sin(3 * t); }
double time_factor_rate(double t) { return 3 * std::cos(3 * t); }

double time_study_error(double theta, int steps) {
  const Mesh mesh = unit_box(PETSC_COMM_WORLD, 2, true, 4);
  HeatOptions options;
  options.degree = 2;
  options.quadrature_degree = 6;
  options.theta = theta;
  options.dt = 1.0 / steps;
  options.solver.rtol = 1e-13;
  HeatProblem problem;
  problem.capacity = [](const IntegrationPoint&) { return 2.0; };
  problem.conductivity = [](const IntegrationPoint& p) { return 1 + p.x[0]; };
  // f = c p T' − ∇·(k∇p) T, with ∇p = (1 + y, 4y + x), Δp = 4, ∇k = (1, 0).
  problem.source = [](const double* x, double t) {
    const double k = 1 + x[0], divergence = k * 4 + (1 + x[1]);
    return 2 * p_quadratic(x) * time_factor_rate(t) - divergence * time_factor(t);
  };
  problem.initial = [](const double* x) { return p_quadratic(x) * time_factor(0); };
  const auto exact = [](const double* x, double t) { return p_quadratic(x) * time_factor(t); };
  for (const char* side : {"left", "right", "bottom", "top"})
    problem.boundary.push_back({side, BoundaryKind::dirichlet, exact});
  HeatSolver solver(mesh, options, problem);
  for (int n = 0; n < steps; ++n) solver.step();
  EXPECT_NEAR(solver.time(), 1.0, 1e-14);
  const double t = solver.time();
  return error_norms(
             solver.space(), solver.solution(), [&](const double* x) { return exact(x, t); },
             [&](const double* x, double* g) {
               g[0] = (1 + x[1]) * time_factor(t);
               g[1] = (4 * x[1] + x[0]) * time_factor(t);
             },
             7)
      .l2;
}

double time_order(double theta) {
  const std::vector<int> steps{8, 16, 32, 64};
  std::vector<double> errors;
  for (int n : steps) errors.push_back(time_study_error(theta, n));
  for (std::size_t i = 0; i < steps.size(); ++i)
    std::printf("[ order    ] heat theta=%.2f dt=1/%-3d L2 error at t=1: %.4e\n", theta, steps[i], errors[i]);
  for (std::size_t i = 1; i < steps.size(); ++i) EXPECT_LT(errors[i], errors[i - 1]);
  const double order = std::log2(errors[errors.size() - 2] / errors.back());
  std::printf("[ order    ] heat theta=%.2f observed order in time %.3f\n", theta, order);
  return order;
}

TEST(HeatTime, CrankNicolsonIsSecondOrder) { EXPECT_GT(time_order(0.5), 1.9); }
TEST(HeatTime, BackwardEulerIsFirstOrder) { EXPECT_NEAR(time_order(1.0), 1.0, 0.1); }

// ---- space: u = (1 + t) s(x), s = cos(1.5x + 0.2) e^(0.5y) [cos(0.7z + 0.1)] ----

struct SpaceStudy {
  int dim = 2;
  bool simplex = true;
  int degree = 1;
  std::map<std::string, BoundaryKind> sides;
};

double s_value(const double* x, int dim) {
  const double z = dim == 3 ? std::cos(0.7 * x[2] + 0.1) : 1.0;
  return std::cos(1.5 * x[0] + 0.2) * std::exp(0.5 * x[1]) * z;
}

void s_gradient(const double* x, int dim, double* g) {
  const double z = dim == 3 ? std::cos(0.7 * x[2] + 0.1) : 1.0;
  g[0] = -1.5 * std::sin(1.5 * x[0] + 0.2) * std::exp(0.5 * x[1]) * z;
  g[1] = 0.5 * s_value(x, dim);
  if (dim == 3) g[2] = -0.7 * std::cos(1.5 * x[0] + 0.2) * std::exp(0.5 * x[1]) * std::sin(0.7 * x[2] + 0.1);
}

// The outward normal of a side of the unit box.
std::array<double, 3> side_normal(const std::string& side) {
  static const std::map<std::string, std::array<double, 3>> normals{{"left", {-1, 0, 0}},   {"right", {1, 0, 0}},
                                                                    {"bottom", {0, -1, 0}}, {"top", {0, 1, 0}},
                                                                    {"front", {0, 0, -1}},  {"back", {0, 0, 1}}};
  return normals.at(side);
}

struct SpaceRun {
  ErrorNorms errors;
  std::vector<double> gathered;  // the solution at t = 1 in gather_mesh's node order, on rank 0
};

// c = 1, k = 1 + x, Robin h = 2; data from u on every side of `study.sides`.
SpaceRun solve_space_study(MPI_Comm comm, const SpaceStudy& study, int n, double rtol = 1e-12) {
  const int dim = study.dim;
  const Mesh mesh = unit_box(comm, dim, study.simplex, n);
  HeatOptions options;
  options.degree = study.degree;
  options.quadrature_degree = 2 * study.degree + 2;
  options.theta = 0.5;
  options.dt = 0.25;
  options.solver.rtol = rtol;
  const double h = 2.0;
  // −Δs = λ s for this separable s.
  const double lambda = 2.25 - 0.25 + (dim == 3 ? 0.49 : 0.0);
  HeatProblem problem;
  problem.conductivity = [](const IntegrationPoint& p) { return 1 + p.x[0]; };
  // f = c ∂u/∂t − ∇·(k∇u) = s + (1 + t)(k λ s − ∂s/∂x).
  problem.source = [dim, lambda](const double* x, double t) {
    double g[3];
    s_gradient(x, dim, g);
    return s_value(x, dim) + (1 + t) * ((1 + x[0]) * lambda * s_value(x, dim) - g[0]);
  };
  problem.initial = [dim](const double* x) { return s_value(x, dim); };
  // k ∂u/∂n on a side, from the exact solution.
  auto flux = [dim](const std::string& side) {
    const auto normal = side_normal(side);
    return [dim, normal](const double* x, double t) {
      double g[3] = {0, 0, 0};
      s_gradient(x, dim, g);
      return (1 + x[0]) * (1 + t) * (g[0] * normal[0] + g[1] * normal[1] + g[2] * normal[2]);
    };
  };
  for (const auto& [side, kind] : study.sides) {
    const auto q = flux(side);
    switch (kind) {
      case BoundaryKind::dirichlet:
        problem.boundary.push_back(
            {side, kind, [dim](const double* x, double t) { return (1 + t) * s_value(x, dim); }});
        break;
      case BoundaryKind::neumann:
        problem.boundary.push_back({side, kind, q});
        break;
      case BoundaryKind::robin:  // k ∂u/∂n = h (u_inf − u)  ⇒  u_inf = u + (k ∂u/∂n) / h
        problem.boundary.push_back(
            {side, kind, [dim, q, h](const double* x, double t) { return (1 + t) * s_value(x, dim) + q(x, t) / h; },
             h});
        break;
    }
  }
  HeatSolver solver(mesh, options, problem);
  for (int k = 0; k < 4; ++k) solver.step();
  SpaceRun run;
  run.errors = error_norms(
      solver.space(), solver.solution(), [dim](const double* x) { return 2 * s_value(x, dim); },
      [dim](const double* x, double* g) {
        s_gradient(x, dim, g);
        for (int a = 0; a < dim; ++a) g[a] *= 2;
      },
      2 * study.degree + 3);
  run.gathered = gather_nodal_field(solver.space(), solver.solution());
  return run;
}

void expect_space_orders(const SpaceStudy& study, const std::vector<int>& sizes) {
  std::vector<ErrorNorms> errors;
  for (int n : sizes) errors.push_back(solve_space_study(PETSC_COMM_WORLD, study, n).errors);
  const std::string label =
      std::string(study.simplex ? "P" : "Q") + std::to_string(study.degree) + " " + std::to_string(study.dim) + "D";
  for (std::size_t i = 0; i < sizes.size(); ++i)
    std::printf("[ order    ] heat %s n=%3d  L2 %.4e  H1 %.4e\n", label.c_str(), sizes[i], errors[i].l2, errors[i].h1);
  for (std::size_t i = 1; i < sizes.size(); ++i) {
    EXPECT_LT(errors[i].l2, errors[i - 1].l2) << label;
    EXPECT_LT(errors[i].h1, errors[i - 1].h1) << label;
  }
  const std::size_t last = sizes.size() - 1;
  const double ratio = std::log(double(sizes[last]) / sizes[last - 1]);
  const double l2_order = std::log(errors[last - 1].l2 / errors[last].l2) / ratio;
  const double h1_order = std::log(errors[last - 1].h1 / errors[last].h1) / ratio;
  std::printf("[ order    ] heat %s observed L2 order %.3f, H1 order %.3f\n", label.c_str(), l2_order, h1_order);
  EXPECT_NEAR(l2_order, study.degree + 1, 0.1) << label;
  EXPECT_NEAR(h1_order, study.degree, 0.1) << label;
}

const std::map<std::string, BoundaryKind> kMixed2D{{"left", BoundaryKind::neumann},
                                                   {"right", BoundaryKind::robin},
                                                   {"bottom", BoundaryKind::dirichlet},
                                                   {"top", BoundaryKind::robin}};
const std::map<std::string, BoundaryKind> kNoDirichlet2D{{"left", BoundaryKind::neumann},
                                                         {"right", BoundaryKind::robin},
                                                         {"bottom", BoundaryKind::robin},
                                                         {"top", BoundaryKind::neumann}};
const std::map<std::string, BoundaryKind> kMixed3D{
    {"left", BoundaryKind::neumann}, {"right", BoundaryKind::robin}, {"bottom", BoundaryKind::dirichlet},
    {"top", BoundaryKind::neumann},  {"front", BoundaryKind::robin}, {"back", BoundaryKind::neumann}};

TEST(HeatSpace, P1MixedConditions) { expect_space_orders({2, true, 1, kMixed2D}, {8, 16, 32}); }
TEST(HeatSpace, Q1NeumannAndRobinOnly) { expect_space_orders({2, false, 1, kNoDirichlet2D}, {8, 16, 32}); }
TEST(HeatSpace, P2MixedConditions) { expect_space_orders({2, true, 2, kMixed2D}, {4, 8, 16}); }
TEST(HeatSpace, P1TetrahedraMixedConditions) { expect_space_orders({3, true, 1, kMixed3D}, {4, 8, 16}); }

TEST(HeatSolver, UnknownPartAndRepeatedPartAreInputErrors) {
  const Mesh mesh = unit_box(PETSC_COMM_WORLD, 2, true, 2);
  const auto zero = [](const double*, double) { return 0.0; };
  HeatProblem problem;
  problem.boundary = {{"lft", BoundaryKind::neumann, zero}};
  EXPECT_THROW(HeatSolver(mesh, HeatOptions{}, problem), ff::InputError);
  problem.boundary = {{"left", BoundaryKind::neumann, zero}, {"left", BoundaryKind::dirichlet, zero}};
  EXPECT_THROW(HeatSolver(mesh, HeatOptions{}, problem), ff::InputError);
  problem.boundary = {{"left", BoundaryKind::robin, zero, 0.0}};
  EXPECT_THROW(HeatSolver(mesh, HeatOptions{}, problem), ff::InputError);
}

// Under `mpiexec -n 2` (ctest mpi.fem_distributed_equals_serial): the mixed
// problem solved on a distributed mesh equals the one solved by each rank
// alone, node by node, up to the solver tolerance (rtol 1e-12).
TEST(Parallel, DistributedHeatEqualsSerial) {
  const SpaceStudy study{2, true, 2, kMixed2D};
  const SpaceRun distributed = solve_space_study(PETSC_COMM_WORLD, study, 12);
  const SpaceRun serial = solve_space_study(PETSC_COMM_SELF, study, 12);
  EXPECT_NEAR(distributed.errors.l2, serial.errors.l2, 1e-8 * serial.errors.l2);
  EXPECT_NEAR(distributed.errors.h1, serial.errors.h1, 1e-8 * serial.errors.h1);
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (rank != 0) return;
  ASSERT_EQ(distributed.gathered.size(), serial.gathered.size());
  double difference = 0, scale = 0;
  for (std::size_t i = 0; i < serial.gathered.size(); ++i) {
    difference = std::max(difference, std::abs(distributed.gathered[i] - serial.gathered[i]));
    scale = std::max(scale, std::abs(serial.gathered[i]));
  }
  std::printf("[ parallel ] heat P2 12x12: max nodal difference distributed - serial %.2e (max |u| %.3f)\n", difference,
              scale);
  EXPECT_LT(difference, 1e-9 * scale);
}

}  // namespace
