#include "solvers/linear/krylov.hpp"

#include "core/error.hpp"
#include "solvers/linear/options_scope.hpp"
#include "solvers/linear/petsc_check.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

namespace ff::linear {

namespace {

// Where a solver's `options` string comes from, for the unused-options report.
std::string origin(const std::string& prefix) {
  return prefix.empty() ? std::string("petsc.options") : fmt::format("petsc.options, prefix {}", prefix);
}

}  // namespace

KrylovSolver::KrylovSolver(MPI_Comm comm, KrylovOptions options) : options_(std::move(options)) {
  FF_PETSC(KSPCreate(comm, ksp_.out()));
  if (!options_.prefix.empty()) FF_PETSC(KSPSetOptionsPrefix(ksp_, options_.prefix.c_str()));
  FF_PETSC(KSPSetType(ksp_, options_.ksp_type.c_str()));
  PC pc = nullptr;
  FF_PETSC(KSPGetPC(ksp_, &pc));
  FF_PETSC(PCSetType(pc, options_.pc_type.c_str()));
  FF_PETSC(KSPSetTolerances(ksp_, options_.rtol, options_.atol, PETSC_DEFAULT, static_cast<PetscInt>(options_.max_it)));
  // PETSc keeps (up to 10000 of) the norms it tests, restarting at each solve.
  FF_PETSC(KSPSetResidualHistory(ksp_, nullptr, PETSC_DECIDE, PETSC_TRUE));
}

void KrylovSolver::set_operator(Mat matrix) { FF_PETSC(KSPSetOperators(ksp_, matrix, matrix)); }

KrylovResult KrylovSolver::solve(Vec b, Vec x) {
  StageOptionsScope scope(options_.prefix, krylov_settings(options_), options_.options, origin(options_.prefix));
  if (!configured_) {
    FF_PETSC(KSPSetFromOptions(ksp_));
    if (on_configured_) on_configured_(ksp_);
    configured_ = true;
  }
  FF_PETSC(KSPSolve(ksp_, b, x));

  KSPConvergedReason reason = KSP_CONVERGED_ITERATING;
  PetscInt iterations = 0;
  PetscReal residual = 0;
  FF_PETSC(KSPGetConvergedReason(ksp_, &reason));
  FF_PETSC(KSPGetIterationNumber(ksp_, &iterations));
  FF_PETSC(KSPGetResidualNorm(ksp_, &residual));
  KrylovResult result;
  result.iterations = iterations;
  result.residual_norm = residual;
  result.reason = KSPConvergedReasons[reason];
  const PetscReal* history = nullptr;
  PetscInt history_length = 0;
  FF_PETSC(KSPGetResidualHistory(ksp_, &history, &history_length));
  result.residual_history.assign(history, history + history_length);
  spdlog::debug("linear solve: {} after {} iterations, residual norms {:.3e}", result.reason, iterations,
                fmt::join(result.residual_history, " "));
  if (reason < 0) {
    KSPType type = nullptr;
    FF_PETSC(KSPGetType(ksp_, &type));
    PetscReal rtol = 0;
    FF_PETSC(KSPGetTolerances(ksp_, &rtol, nullptr, nullptr, nullptr));
    throw RunError(
        fmt::format("linear solve ({}) did not converge: {} after {} iterations, residual norm {:.3e} (rtol {:g})",
                    type, result.reason, iterations, residual, rtol));
  }
  return result;
}

}  // namespace ff::linear
