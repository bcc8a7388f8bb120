#include "solvers/linear/options_scope.hpp"

#include "solvers/linear/petsc_check.hpp"

namespace ff::linear {

StageOptionsScope::StageOptionsScope(const std::string& stage_options) {
  FF_PETSC(PetscOptionsCreate(options_.out()));
  FF_PETSC(PetscOptionsInsertString(options_, stage_options.c_str()));
  // The command line's options go in last, so they win.
  char* command_line = nullptr;
  FF_PETSC(PetscOptionsGetAll(nullptr, &command_line));
  const PetscErrorCode code = PetscOptionsInsertString(options_, command_line);
  PetscFree(command_line);
  FF_PETSC(code);
  FF_PETSC(PetscOptionsPush(options_));
}

StageOptionsScope::~StageOptionsScope() { PetscOptionsPop(); }

}  // namespace ff::linear
