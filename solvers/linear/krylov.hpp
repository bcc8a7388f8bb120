// One linear solve with a PETSc KSP. The settings come from KrylovOptions
// and go into the options database under the solver's prefix; the command
// line after `--` overrides them (options_scope.hpp), either for every stage
// (`-ksp_type gmres -pc_type hypre -ksp_monitor`) or for one (`-data_ksp_type
// gmres` with KrylovOptions::prefix "data_"). A solve that
// does not converge is a RunError naming PETSc's reason, the iteration count
// and the residual norm.
#pragma once

#include "solvers/linear/krylov_options.hpp"
#include "solvers/linear/petsc_handle.hpp"

#include <petscksp.h>

#include <functional>
#include <string>

namespace ff::linear {

class KrylovSolver {
 public:
  KrylovSolver(MPI_Comm comm, KrylovOptions options);

  // The system matrix (also the preconditioning matrix). Call again after the
  // matrix's values change: the preconditioner is then rebuilt on the next solve.
  void set_operator(Mat matrix);

  // Solves A x = b from a zero initial guess. Throws RunError unless converged.
  KrylovResult solve(Vec b, Vec x);

  const KrylovOptions& options() const { return options_; }

  // Called once with the KSP after it has read its options, before the
  // first setup: for settings that depend on the chosen types (a dcdm PC's
  // grid layout).
  void on_configured(std::function<void(KSP)> hook) { on_configured_ = std::move(hook); }

 private:
  KrylovOptions options_;
  PetscHandle<KSP, KSPDestroy> ksp_;
  bool configured_ = false;
  std::function<void(KSP)> on_configured_;
};

}  // namespace ff::linear
