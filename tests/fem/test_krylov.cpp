// The Krylov wrapper: a solve that fails to converge is a RunError naming
// PETSc's reason, the iterations and the residual; stage options reach the
// KSP, and options from the command line (the global database) win.
#include "core/error.hpp"
#include "manufactured.hpp"
#include "solvers/linear/petsc_check.hpp"

#include <gtest/gtest.h>
#include <petscsys.h>

namespace {

using namespace ff::fem;

std::string failure_of(const ff::linear::KrylovOptions& solver) {
  BoxMeshOptions mesh_options;
  mesh_options.cells = {16, 16, 1};
  const Mesh mesh = Mesh::box(PETSC_COMM_WORLD, mesh_options);
  PoissonOptions options;
  options.solver = solver;
  PoissonSolver poisson(mesh, options);
  PoissonData data;
  data.source = [](const IntegrationPoint&) { return 1.0; };
  try {
    poisson.solve(data);
  } catch (const ff::RunError& e) {
    return e.what();
  }
  return "";
}

TEST(Krylov, NonConvergenceIsARunErrorWithReasonIterationsAndResidual) {
  ff::linear::KrylovOptions solver;
  solver.pc_type = "jacobi";
  solver.max_it = 3;
  const std::string message = failure_of(solver);
  EXPECT_NE(message.find("DIVERGED_ITS"), std::string::npos) << message;
  EXPECT_NE(message.find("after 3 iterations"), std::string::npos) << message;
  EXPECT_NE(message.find("residual norm"), std::string::npos) << message;
}

TEST(Krylov, StageOptionsReachTheSolver) {
  ff::linear::KrylovOptions solver;
  solver.options = "-ksp_max_it 2 -pc_type none";
  EXPECT_NE(failure_of(solver).find("DIVERGED_ITS after 2 iterations"), std::string::npos);
}

TEST(Krylov, CommandLineOptionsOverrideStageOptions) {
  ff::linear::KrylovOptions solver;
  solver.options = "-ksp_max_it 2";
  FF_PETSC(PetscOptionsSetValue(nullptr, "-ksp_max_it", "1000"));
  const std::string message = failure_of(solver);
  FF_PETSC(PetscOptionsClearValue(nullptr, "-ksp_max_it"));
  EXPECT_EQ(message, "");
}

// The history holds the initial norm and one per iteration; a converged
// solve ends below rtol times the initial norm (PETSc's default test with a
// zero initial guess), and its last entry is the reported residual.
TEST(Krylov, ResidualHistoryHasOneNormPerIterationDownToTheTolerance) {
  BoxMeshOptions mesh_options;
  mesh_options.cells = {16, 16, 1};
  const Mesh mesh = Mesh::box(PETSC_COMM_WORLD, mesh_options);
  PoissonOptions options;
  options.solver.rtol = 1e-8;
  PoissonSolver poisson(mesh, options);
  PoissonData data;
  data.source = [](const IntegrationPoint&) { return 1.0; };
  const ff::linear::KrylovResult& result = poisson.solve(data);
  ASSERT_GT(result.iterations, 0);
  ASSERT_EQ(static_cast<long>(result.residual_history.size()), result.iterations + 1);
  EXPECT_DOUBLE_EQ(result.residual_history.back(), result.residual_norm);
  EXPECT_LT(result.residual_history.back(), 1e-8 * result.residual_history.front());
}

TEST(Krylov, UnknownKspTypeIsARunError) {
  ff::linear::KrylovOptions solver;
  solver.ksp_type = "no_such_method";
  EXPECT_THROW(
      {
        BoxMeshOptions mesh_options;
        const Mesh mesh = Mesh::box(PETSC_COMM_WORLD, mesh_options);
        PoissonOptions options;
        options.solver = solver;
        PoissonSolver poisson(mesh, options);
        poisson.solve(PoissonData{});
      },
      ff::RunError);
}

}  // namespace
