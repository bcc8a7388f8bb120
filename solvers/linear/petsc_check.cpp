#include "solvers/linear/petsc_check.hpp"

#include <string>

namespace ff::linear {

void throw_petsc_error(PetscErrorCode code, const char* call, const char* file, int line) {
  // The generic text of the error class, and the message of the PETSc call
  // that raised it ("Must call DMShellSetGlobalVector()"), when there is one.
  const char* text = nullptr;
  char* specific = nullptr;
  PetscErrorMessage(code, &text, &specific);
  std::string message = text ? text : "unknown error";
  if (specific && *specific) message += fmt::format(" ({})", specific);
  throw RunError(fmt::format("PETSc error in `{}`: {}", call, message), detail::source_location(file, line));
}

void quiet_petsc_errors() { PetscPushErrorHandler(PetscReturnErrorHandler, nullptr); }

}  // namespace ff::linear
