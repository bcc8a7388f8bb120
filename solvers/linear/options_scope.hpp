// A stage's PETSc options under the command line's, as the default options
// database for as long as the scope lives. Every object a solver creates or
// configures meanwhile (KSP, PC, SNES, line search, GAMG levels) reads its
// options then, so one scope covers configuration and solve, and `-ksp_type
// gmres` after `--` overrides the stage's `ksp_type: cg`.
#pragma once

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
  PetscOptions options_ = nullptr;
};

}  // namespace ff::linear
