// The Krylov wrapper: a solve that fails to converge is a RunError naming
// PETSc's reason, the iterations and the residual; stage options reach the
// KSP, and options from the command line (the global database) win. With an
// options prefix (a stage's name), a prefixed command-line option reaches
// that solver alone and beats an unprefixed one; the stage's options leave
// nothing behind in the global database; options nothing read are listed.
#include "core/error.hpp"
#include "manufactured.hpp"
#include "solvers/linear/options_scope.hpp"
#include "solvers/linear/petsc_check.hpp"

#include <gtest/gtest.h>
#include <petscsys.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

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

// Sets global (command-line) options for as long as it lives.
class GlobalOptions {
 public:
  GlobalOptions(std::initializer_list<std::pair<std::string, std::string>> options) : options_(options) {
    for (const auto& [name, value] : options_) FF_PETSC(PetscOptionsSetValue(nullptr, name.c_str(), value.c_str()));
  }
  ~GlobalOptions() {
    for (const auto& option : options_) PetscOptionsClearValue(nullptr, option.first.c_str());
  }
  GlobalOptions(const GlobalOptions&) = delete;
  GlobalOptions& operator=(const GlobalOptions&) = delete;

 private:
  std::vector<std::pair<std::string, std::string>> options_;
};

ff::linear::KrylovOptions prefixed(const std::string& prefix, const std::string& options = "") {
  ff::linear::KrylovOptions solver;
  solver.prefix = prefix;
  solver.options = options;
  return solver;
}

const char* const kTwoIterations = "DIVERGED_ITS after 2 iterations";

TEST(Krylov, StageNamesMapToOptionsPrefixes) {
  EXPECT_EQ(ff::linear::options_prefix("data"), "data_");
  EXPECT_EQ(ff::linear::options_prefix("fine-mesh-2"), "fine_mesh_2_");
  EXPECT_EQ(ff::linear::options_prefix(""), "");
}

TEST(Krylov, OptionStringsParseAsPetscDoes) {
  const auto options = ff::linear::parse_petsc_options(" -a 1 -b  -c -1e-3 -d x y ", "test");
  ASSERT_EQ(options.size(), 4u);
  EXPECT_EQ(options[0].name, "a");
  EXPECT_EQ(options[0].value, "1");
  EXPECT_EQ(options[1].name, "b");
  EXPECT_EQ(options[1].value, "");
  EXPECT_EQ(options[2].value, "-1e-3");  // a number, not a name
  EXPECT_EQ(options[3].value, "x y");
  EXPECT_THROW(ff::linear::parse_petsc_options("pc_type lu", "test"), ff::InputError);
}

TEST(Krylov, PrefixedCommandLineOptionReachesItsSolverAlone) {
  const GlobalOptions options({{"-a_ksp_max_it", "2"}});
  EXPECT_NE(failure_of(prefixed("a_")).find(kTwoIterations), std::string::npos);
  EXPECT_EQ(failure_of(prefixed("b_")), "");
  EXPECT_EQ(failure_of(prefixed("")), "");
}

TEST(Krylov, UnprefixedCommandLineOptionReachesPrefixedSolvers) {
  const GlobalOptions options({{"-ksp_max_it", "2"}});
  EXPECT_NE(failure_of(prefixed("a_")).find(kTwoIterations), std::string::npos);
}

TEST(Krylov, PrefixedCommandLineBeatsUnprefixedWhichBeatsStageOptions) {
  {
    const GlobalOptions options({{"-ksp_max_it", "2"}});
    EXPECT_NE(failure_of(prefixed("a_", "-ksp_max_it 1000")).find(kTwoIterations), std::string::npos);
  }
  const GlobalOptions options({{"-ksp_max_it", "2"}, {"-a_ksp_max_it", "1000"}});
  EXPECT_EQ(failure_of(prefixed("a_")), "");
}

TEST(Krylov, StageOptionsLeaveNothingBehind) {
  EXPECT_NE(failure_of(prefixed("a_", "-ksp_max_it 2")).find(kTwoIterations), std::string::npos);
  PetscBool set = PETSC_TRUE;
  FF_PETSC(PetscOptionsHasName(nullptr, nullptr, "-a_ksp_max_it", &set));
  EXPECT_FALSE(set);
  EXPECT_EQ(failure_of(prefixed("a_")), "");
}

// Options read only inside a solver's scope count as used in the global
// database; a misspelt global option and a misspelt stage option do not.
TEST(Krylov, UnreadOptionsAreListed) {
  const GlobalOptions options(
      {{"-dta_ksp_type", "cg"}, {"-data_ksp_type", "cg"}, {"-ksp_norm_type", "unpreconditioned"}});
  EXPECT_EQ(failure_of(prefixed("data_", "-ksp_max_itt 5")), "");
  const std::vector<std::string> unused = ff::linear::unused_petsc_options();
  auto listed = [&](const std::string& line) { return std::find(unused.begin(), unused.end(), line) != unused.end(); };
  EXPECT_TRUE(listed("-dta_ksp_type cg"));
  EXPECT_TRUE(listed("-data_ksp_max_itt 5 (from petsc.options, prefix data_)"));
  EXPECT_FALSE(listed("-data_ksp_type cg"));
  EXPECT_FALSE(listed("-ksp_norm_type unpreconditioned"));
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
