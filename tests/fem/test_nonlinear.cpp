// Verification of the nonlinear diffusion solver −∇·(k(u)∇u) = f (Newton
// through PETSc SNES) against the manufactured solution of
// nonlinear_manufactured.hpp:
//  - the hand-written Jacobian equals the finite-difference Jacobian of the
//    residual (what -snes_test_jacobian checks), up to the differencing error;
//  - Newton converges quadratically once close: r_{k+1} ≈ C r_k²;
//  - the discretisation converges at the linear problem's orders (L2: k+1);
//  - non-convergence is a RunError with SNES's reason, and options reach SNES.
// Parallel.* runs again under `mpiexec -n 2` (mpi.fem_distributed_equals_serial).
#include "core/error.hpp"
#include "nonlinear_manufactured.hpp"
#include "solvers/linear/petsc_check.hpp"

#include <gtest/gtest.h>
#include <petscsys.h>

#include <cmath>
#include <string>
#include <vector>

namespace {

using namespace ff::fem;
using namespace ff::fem::test;

const Conductivity quadratic{ConductivityLaw::quadratic, 1.0, 1.0};
const Conductivity exponential{ConductivityLaw::exponential, 1.0, 1.0};

std::string label(const NonlinearStudy& study) {
  return std::string(study.simplex ? "P" : "Q") + std::to_string(study.degree) + " " + std::to_string(study.dim) +
         "D " + law_name(study.conductivity.law);
}

// Finite differences with step h = √ε |u_j| have a relative error of about
// √ε ≈ 1.5e-8 times the residual's second derivatives over its first; a
// wrong term of the Jacobian (a missing k' term, a transposed block) costs
// at least 1e-2. 1e-6 leaves a margin of a hundred for the former.
void expect_jacobian_matches_differences(const NonlinearStudy& study, int n) {
  const Mesh mesh = study_mesh(PETSC_COMM_WORLD, study, n);
  NonlinearPoissonSolver solver(mesh, study_options(study));
  const int dim = study.dim;
  const double difference = solver.jacobian_difference(nonlinear_manufactured_data(study.conductivity, dim),
                                                       [dim](const double* x) { return nonlinear_exact_u(x, dim); });
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (rank == 0)
    std::printf("[ jacobian ] %s n=%d  |J - J_fd|_F / |J|_F = %.3e\n", label(study).c_str(), n, difference);
  EXPECT_LT(difference, 1e-6) << label(study);
}

TEST(Nonlinear, JacobianMatchesFiniteDifferencesP1) {
  expect_jacobian_matches_differences({2, true, 1, quadratic}, 6);
  expect_jacobian_matches_differences({2, true, 1, exponential}, 6);
}
TEST(Nonlinear, JacobianMatchesFiniteDifferencesP2) {
  expect_jacobian_matches_differences({2, true, 2, quadratic}, 4);
  expect_jacobian_matches_differences({2, true, 2, exponential}, 4);
}
TEST(Nonlinear, JacobianMatchesFiniteDifferencesQ1AndTetrahedra) {
  expect_jacobian_matches_differences({2, false, 1, quadratic}, 6);
  expect_jacobian_matches_differences({3, true, 1, exponential}, 3);
}

void print_history(const std::string& name, const std::vector<double>& r) {
  for (std::size_t k = 0; k < r.size(); ++k) {
    std::printf("[ newton   ] %s k=%zu  |F| = %.3e", name.c_str(), k, r[k]);
    if (k >= 1)
      std::printf("  r_k/r_k-1 = %.3e  r_k r_0/r_k-1^2 = %.3e", r[k] / r[k - 1], r[k] * r[0] / (r[k - 1] * r[k - 1]));
    if (k >= 2) std::printf("  log(r_k/r_0)/log(r_k-1/r_0) = %.3f", std::log(r[k] / r[0]) / std::log(r[k - 1] / r[0]));
    std::printf("\n");
  }
}

// With relative residuals ρ_k = r_k / r_0, Newton's local convergence is
// ρ_{k+1} ≤ C ρ_k² with C of order one for a smooth, well-scaled problem, so
// log ρ_{k+1} / log ρ_k = 2 + log C / log ρ_k → 2. The asymptotic phase is
// taken as the steps that start within 0.1 of the solution and end above
// round-off: the residual of the discrete solution evaluated in double
// precision is about 1e-15 ρ (2e-15 here), and steps ending above 5e-14 are
// free of it. There C ≤ 10 (linear convergence with rate q would give
// C = q / ρ_k, far above 10 once ρ_k ≤ 1e-3), and on the last such step
// (ρ_k ≤ 1e-5, |log C| ≤ log 10) the log ratio lies within 2 ± 0.2.
void expect_quadratic_convergence(const std::string& name, const std::vector<double>& r) {
  std::vector<std::size_t> asymptotic;  // steps k → k+1
  for (std::size_t k = 0; k + 1 < r.size(); ++k)
    if (r[k] <= 0.1 * r[0] && r[k + 1] >= 5e-14 * r[0]) asymptotic.push_back(k);
  ASSERT_GE(asymptotic.size(), 2u) << name << ": too few Newton steps between 0.1 and round-off";
  for (std::size_t k : asymptotic) {
    const double rho = r[k] / r[0], next = r[k + 1] / r[0];
    EXPECT_LE(next / (rho * rho), 10.0) << name << " step " << k;
  }
  const std::size_t last = asymptotic.back();
  EXPECT_LE(r[last] / r[0], 1e-5) << name;
  const double order = std::log(r[last + 1] / r[0]) / std::log(r[last] / r[0]);
  std::printf("[ newton   ] %s log ratio on the last step above round-off: %.3f\n", name.c_str(), order);
  EXPECT_NEAR(order, 2.0, 0.2) << name;
}

TEST(Nonlinear, NewtonConvergesQuadratically) {
  for (const Conductivity& k : {quadratic, exponential}) {
    const NonlinearStudy study{2, true, 1, k};
    const Mesh mesh = study_mesh(PETSC_COMM_WORLD, study, 32);
    NonlinearPoissonOptions options = study_options(study);
    options.solver.rtol = 1e-14;  // on to round-off (~2e-15 relative): the whole asymptotic phase
    NonlinearPoissonSolver solver(mesh, options);
    const auto& result = solver.solve(nonlinear_manufactured_data(k, 2));
    print_history(label(study), result.residuals);
    EXPECT_EQ(result.residuals.size(), static_cast<std::size_t>(result.iterations + 1));
    expect_quadratic_convergence(label(study), result.residuals);
  }
}

// As tests/fem/test_convergence.cpp: L2 order k+1 and H1 order k within 0.1
// on the last refinement, errors decreasing at every one. Newton is
// converged to 1e-10 relative, far below the discretisation errors.
void expect_orders(const NonlinearStudy& study, const std::vector<int>& sizes) {
  std::vector<NonlinearErrors> errors;
  for (int n : sizes) errors.push_back(solve_nonlinear_manufactured(PETSC_COMM_WORLD, study, n));
  for (std::size_t i = 0; i < sizes.size(); ++i)
    std::printf("[ order    ] %s n=%3d  L2 %.4e  H1 %.4e  (%ld Newton, %ld Krylov iterations)\n", label(study).c_str(),
                sizes[i], errors[i].norms.l2, errors[i].norms.h1, errors[i].newton.iterations,
                errors[i].newton.linear_iterations);
  for (std::size_t i = 1; i < sizes.size(); ++i) {
    EXPECT_LT(errors[i].norms.l2, errors[i - 1].norms.l2) << label(study);
    EXPECT_LT(errors[i].norms.h1, errors[i - 1].norms.h1) << label(study);
  }
  const std::size_t last = sizes.size() - 1;
  const double ratio = std::log(double(sizes[last]) / sizes[last - 1]);
  const double l2_order = std::log(errors[last - 1].norms.l2 / errors[last].norms.l2) / ratio;
  const double h1_order = std::log(errors[last - 1].norms.h1 / errors[last].norms.h1) / ratio;
  std::printf("[ order    ] %s observed L2 order %.3f, H1 order %.3f\n", label(study).c_str(), l2_order, h1_order);
  EXPECT_NEAR(l2_order, study.degree + 1, 0.1) << label(study);
  EXPECT_NEAR(h1_order, study.degree, 0.1) << label(study);
}

TEST(Nonlinear, OrdersP1QuadraticLaw) { expect_orders({2, true, 1, quadratic}, {8, 16, 32, 64}); }
TEST(Nonlinear, OrdersP2ExponentialLaw) { expect_orders({2, true, 2, exponential}, {4, 8, 16, 32}); }
TEST(Nonlinear, OrdersQ1ExponentialLaw) { expect_orders({2, false, 1, exponential}, {8, 16, 32, 64}); }

std::string failure_of(const ff::linear::NewtonOptions& solver) {
  const NonlinearStudy study{2, true, 1, exponential};
  const Mesh mesh = study_mesh(PETSC_COMM_WORLD, study, 8);
  NonlinearPoissonOptions options = study_options(study);
  options.solver = solver;
  NonlinearPoissonSolver nonlinear(mesh, options);
  try {
    nonlinear.solve(nonlinear_manufactured_data(exponential, 2));
  } catch (const ff::RunError& e) {
    return e.what();
  }
  return "";
}

TEST(Nonlinear, NonConvergenceIsARunErrorWithReasonIterationsAndResidual) {
  ff::linear::NewtonOptions solver;
  solver.max_it = 2;
  const std::string message = failure_of(solver);
  EXPECT_NE(message.find("nonlinear solve (newtonls) did not converge: DIVERGED_MAX_IT after 2 iterations"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("residual norm"), std::string::npos) << message;
}

TEST(Nonlinear, FailedLinearSolveNamesTheKrylovReason) {
  ff::linear::NewtonOptions solver;
  solver.linear.pc_type = "none";
  solver.linear.max_it = 2;
  const std::string message = failure_of(solver);
  EXPECT_NE(message.find("DIVERGED_LINEAR_SOLVE"), std::string::npos) << message;
  EXPECT_NE(message.find("the last linear solve ended with DIVERGED_ITS"), std::string::npos) << message;
}

TEST(Nonlinear, StageOptionsReachSnesAndCommandLineWins) {
  ff::linear::NewtonOptions solver;
  solver.options = "-snes_max_it 1";
  EXPECT_NE(failure_of(solver).find("DIVERGED_MAX_IT after 1 iterations"), std::string::npos);
  FF_PETSC(PetscOptionsSetValue(nullptr, "-snes_max_it", "50"));
  const std::string message = failure_of(solver);
  FF_PETSC(PetscOptionsClearValue(nullptr, "-snes_max_it"));
  EXPECT_EQ(message, "");
}

TEST(Nonlinear, NonPositiveConductivityIsAnInputError) {
  const Mesh mesh = study_mesh(PETSC_COMM_WORLD, {}, 4);
  NonlinearPoissonOptions options;
  options.conductivity.k0 = -1;
  EXPECT_THROW(NonlinearPoissonSolver(mesh, options), ff::InputError);
  options.conductivity = {ConductivityLaw::quadratic, 1.0, -0.5};
  EXPECT_THROW(NonlinearPoissonSolver(mesh, options), ff::InputError);
}

// Under `mpiexec -n 2`: the finite-difference comparison also holds when
// the residual, the Jacobian and the differenced columns are distributed.
TEST(Parallel, NonlinearJacobianMatchesFiniteDifferences) {
  expect_jacobian_matches_differences({2, true, 2, exponential}, 4);
}

// Under `mpiexec -n 2` (mpi.fem_distributed_equals_serial): the distributed
// solve takes the same Newton steps and reaches the same errors as one rank
// alone. They differ in the order of floating-point sums and in the
// partition-dependent GAMG preconditioner, with every linear solve converged
// to 1e-12: errors (≥ 1e-4 here) agree to 1e-8 relative, residual norms of
// the steps before round-off to 1e-6.
TEST(Parallel, NonlinearDistributedEqualsSerial) {
  for (const NonlinearStudy& study : {NonlinearStudy{2, true, 1, quadratic}, NonlinearStudy{2, true, 2, exponential}}) {
    const NonlinearErrors distributed = solve_nonlinear_manufactured(PETSC_COMM_WORLD, study, 16);
    const NonlinearErrors serial = solve_nonlinear_manufactured(PETSC_COMM_SELF, study, 16);
    EXPECT_NEAR(distributed.norms.l2, serial.norms.l2, 1e-8 * serial.norms.l2) << label(study);
    EXPECT_NEAR(distributed.norms.h1, serial.norms.h1, 1e-8 * serial.norms.h1) << label(study);
    ASSERT_EQ(distributed.newton.iterations, serial.newton.iterations) << label(study);
    for (std::size_t k = 0; k < serial.newton.residuals.size(); ++k)
      if (serial.newton.residuals[k] > 1e-8 * serial.newton.residuals[0])
        EXPECT_NEAR(distributed.newton.residuals[k], serial.newton.residuals[k], 1e-6 * serial.newton.residuals[k])
            << label(study) << " step " << k;
  }
}

}  // namespace
