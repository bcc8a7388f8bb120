#include "solvers/linear/petsc_check.hpp"

namespace ff::linear {

void throw_petsc_error(PetscErrorCode code, const char* call, const char* file, int line) {
  const char* text = nullptr;
  PetscErrorMessage(code, &text, nullptr);
  throw RunError(fmt::format("PETSc error in `{}`: {}", call, text ? text : "unknown error"),
                 detail::source_location(file, line));
}

void quiet_petsc_errors() { PetscPushErrorHandler(PetscReturnErrorHandler, nullptr); }

}  // namespace ff::linear
