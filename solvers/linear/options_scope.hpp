// A stage's PETSc options under the command line's, as the default options
// database for as long as the scope lives. Every object a solver creates or
// configures meanwhile (KSP, PC, SNES, line search, GAMG levels) reads its
// options then, so one scope covers configuration and solve, and `-ksp_type
// gmres` after `--` overrides the stage's `ksp_type: cg`.
#pragma once

#include "solvers/linear/petsc_handle.hpp"

#include <petscsys.h>

#include <string>

namespace ff::linear {

class StageOptionsScope {
 public:
  // `stage_options` in PETSc's command-line form, e.g. "-pc_gamg_threshold 0.02".
  explicit StageOptionsScope(const std::string& stage_options);
  ~StageOptionsScope();
  StageOptionsScope(const StageOptionsScope&) = delete;
  StageOptionsScope& operator=(const StageOptionsScope&) = delete;

 private:
  // Owned by a handle so that a constructor failing before the push frees
  // it; when pushed, the destructor pops it before the handle destroys it.
  PetscHandle<PetscOptions, PetscOptionsDestroy> options_;
};

}  // namespace ff::linear
