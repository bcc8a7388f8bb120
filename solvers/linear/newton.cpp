#include "solvers/linear/newton.hpp"

#include "core/error.hpp"
#include "solvers/linear/options_scope.hpp"
#include "solvers/linear/petsc_check.hpp"

#include <fmt/format.h>

#include <exception>

namespace ff::linear {

namespace {

// What the SNES callbacks reach: the problem, the monitor, and the exception
// one of them threw. An exception must not unwind through PETSc's C frames,
// so a callback keeps it and returns an error code, which ends the solve;
// once SNES has returned, that error is rethrown in place of PETSc's generic one.
struct Callbacks {
  NonlinearProblem& problem;
  const std::function<void(long, double)>& monitor;
  std::exception_ptr error;

  template <class Call>
  PetscErrorCode guard(Call call) {
    try {
      call();
      return 0;
    } catch (...) {
      error = std::current_exception();
      return PETSC_ERR_USER;
    }
  }

  // After a PETSc call that may have called back: the callback's error first, then PETSc's.
  void check(PetscErrorCode code, const char* call, int line) const {
    if (error) std::rethrow_exception(error);
    if (code != 0) throw_petsc_error(code, call, __FILE__, line);
  }
};

PetscErrorCode form_residual(SNES, Vec x, Vec f, void* context) {
  auto& callbacks = *static_cast<Callbacks*>(context);
  return callbacks.guard([&] { callbacks.problem.residual(x, f); });
}

PetscErrorCode form_jacobian(SNES, Vec x, Mat jacobian, Mat, void* context) {
  auto& callbacks = *static_cast<Callbacks*>(context);
  return callbacks.guard([&] { callbacks.problem.jacobian(x, jacobian); });
}

PetscErrorCode report_iteration(SNES, PetscInt iteration, PetscReal residual_norm, void* context) {
  auto& callbacks = *static_cast<Callbacks*>(context);
  return callbacks.guard([&] { callbacks.monitor(iteration, residual_norm); });
}

// A SNES on `callbacks` with the options' tolerances and linear solver
// (before the options database has its say).
PetscHandle<SNES, SNESDestroy> create_snes(MPI_Comm comm, const NewtonOptions& options, Callbacks& callbacks,
                                           Vec residual, Mat jacobian) {
  PetscHandle<SNES, SNESDestroy> snes;
  FF_PETSC(SNESCreate(comm, snes.out()));
  // Shared by the SNES's KSP, PC and line search.
  if (!options.prefix.empty()) FF_PETSC(SNESSetOptionsPrefix(snes, options.prefix.c_str()));
  FF_PETSC(SNESSetFunction(snes, residual, form_residual, &callbacks));
  FF_PETSC(SNESSetJacobian(snes, jacobian, jacobian, form_jacobian, &callbacks));
  FF_PETSC(SNESSetTolerances(snes, options.atol, options.rtol, PETSC_DEFAULT, static_cast<PetscInt>(options.max_it),
                             PETSC_DEFAULT));
  KSP ksp = nullptr;
  PC pc = nullptr;
  FF_PETSC(SNESGetKSP(snes, &ksp));
  FF_PETSC(KSPSetType(ksp, options.linear.ksp_type.c_str()));
  FF_PETSC(KSPGetPC(ksp, &pc));
  FF_PETSC(PCSetType(pc, options.linear.pc_type.c_str()));
  FF_PETSC(KSPSetTolerances(ksp, options.linear.rtol, options.linear.atol, PETSC_DEFAULT,
                            static_cast<PetscInt>(options.linear.max_it)));
  return snes;
}

// "... did not converge: DIVERGED_MAX_IT after 50 iterations, residual norm ..."
std::string failure_message(SNES snes, const NewtonResult& result) {
  SNESType type = nullptr;
  PetscReal rtol = 0;
  FF_PETSC(SNESGetType(snes, &type));
  FF_PETSC(SNESGetTolerances(snes, nullptr, &rtol, nullptr, nullptr, nullptr));
  const double initial = result.residuals.empty() ? 0.0 : result.residuals.front();
  const double last = result.residuals.empty() ? 0.0 : result.residuals.back();
  std::string message = fmt::format(
      "nonlinear solve ({}) did not converge: {} after {} iterations, residual norm {:.3e} (initial {:.3e}, rtol {:g})",
      type, result.reason, result.iterations, last, initial, rtol);
  SNESConvergedReason reason = SNES_CONVERGED_ITERATING;
  FF_PETSC(SNESGetConvergedReason(snes, &reason));
  if (reason == SNES_DIVERGED_LINEAR_SOLVE) {
    KSP ksp = nullptr;
    KSPConvergedReason linear = KSP_CONVERGED_ITERATING;
    FF_PETSC(SNESGetKSP(snes, &ksp));
    FF_PETSC(KSPGetConvergedReason(ksp, &linear));
    message += fmt::format("; the last linear solve ended with {}", KSPConvergedReasons[linear]);
  }
  return message;
}

}  // namespace

NewtonSolver::NewtonSolver(MPI_Comm comm, NewtonOptions options) : comm_(comm), options_(std::move(options)) {}

NewtonResult NewtonSolver::solve(NonlinearProblem& problem, Mat jacobian, Vec x) {
  Callbacks callbacks{problem, options_.monitor, nullptr};
  PetscHandle<Vec, VecDestroy> residual;
  FF_PETSC(VecDuplicate(x, residual.out()));
  PetscHandle<SNES, SNESDestroy> snes = create_snes(comm_, options_, callbacks, residual, jacobian);

  std::vector<PetscOption> settings = krylov_settings(options_.linear);
  settings.push_back({"snes_rtol", fmt::format("{}", options_.rtol)});
  settings.push_back({"snes_atol", fmt::format("{}", options_.atol)});
  settings.push_back({"snes_max_it", fmt::format("{}", options_.max_it)});
  const std::string origin = options_.prefix.empty()
                                 ? std::string("newton.options or petsc.options")
                                 : fmt::format("newton.options or petsc.options, prefix {}", options_.prefix);
  StageOptionsScope scope(options_.prefix, settings, options_.linear.options + " " + options_.options, origin);
  FF_PETSC(SNESSetFromOptions(snes));
  // Room for every iteration the (possibly overridden) limit allows.
  PetscInt max_it = 0;
  FF_PETSC(SNESGetTolerances(snes, nullptr, nullptr, nullptr, &max_it, nullptr));
  std::vector<PetscReal> history(max_it + 1);
  std::vector<PetscInt> linear_history(max_it + 1);
  FF_PETSC(SNESSetConvergenceHistory(snes, history.data(), linear_history.data(), max_it + 1, PETSC_TRUE));
  if (options_.monitor) FF_PETSC(SNESMonitorSet(snes, report_iteration, &callbacks, nullptr));
  callbacks.check(SNESSolve(snes, nullptr, x), "SNESSolve", __LINE__);

  SNESConvergedReason reason = SNES_CONVERGED_ITERATING;
  PetscInt iterations = 0, linear_iterations = 0, recorded = 0;
  FF_PETSC(SNESGetConvergedReason(snes, &reason));
  FF_PETSC(SNESGetIterationNumber(snes, &iterations));
  FF_PETSC(SNESGetLinearSolveIterations(snes, &linear_iterations));
  FF_PETSC(SNESGetConvergenceHistory(snes, nullptr, nullptr, &recorded));
  NewtonResult result;
  result.iterations = iterations;
  result.linear_iterations = linear_iterations;
  result.residuals.assign(history.begin(), history.begin() + recorded);
  result.reason = SNESConvergedReasons[reason];
  if (reason < 0) throw RunError(failure_message(snes, result));
  return result;
}

double NewtonSolver::jacobian_difference(NonlinearProblem& problem, Mat jacobian, Vec x) {
  Callbacks callbacks{problem, options_.monitor, nullptr};
  PetscHandle<Vec, VecDestroy> residual;
  FF_PETSC(VecDuplicate(x, residual.out()));
  PetscHandle<SNES, SNESDestroy> snes = create_snes(comm_, options_, callbacks, residual, jacobian);
  // Gives the SNES (and its default DM) the layout of x, as SNESSolve would.
  FF_PETSC(SNESSetSolution(snes, x));
  problem.jacobian(x, jacobian);

  // The finite-difference Jacobian fills whole columns, so it goes into a
  // dense matrix of the same layout, not into the sparse pattern.
  PetscInt local_rows = 0, local_columns = 0, rows = 0, columns = 0;
  FF_PETSC(MatGetLocalSize(jacobian, &local_rows, &local_columns));
  FF_PETSC(MatGetSize(jacobian, &rows, &columns));
  PetscHandle<Mat, MatDestroy> difference, exact;
  FF_PETSC(MatCreateDense(comm_, local_rows, local_columns, rows, columns, nullptr, difference.out()));
  callbacks.check(SNESComputeJacobianDefault(snes, x, difference, difference, nullptr), "SNESComputeJacobianDefault",
                  __LINE__);
  FF_PETSC(MatConvert(jacobian, MATDENSE, MAT_INITIAL_MATRIX, exact.out()));
  FF_PETSC(MatAXPY(difference, -1.0, exact, SAME_NONZERO_PATTERN));
  PetscReal difference_norm = 0, norm = 0;
  FF_PETSC(MatNorm(difference, NORM_FROBENIUS, &difference_norm));
  FF_PETSC(MatNorm(exact, NORM_FROBENIUS, &norm));
  FF_REQUIRE(norm > 0, RunError, "the Jacobian is zero at the given state: nothing to compare");
  return difference_norm / norm;
}

}  // namespace ff::linear
