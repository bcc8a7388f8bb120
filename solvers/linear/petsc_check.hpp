// PETSc errors become fieldforge errors at the module boundary: every PETSc
// call in solvers/fem and solvers/linear goes through FF_PETSC, which throws a
// RunError carrying PETSc's own message and the call that failed.
#pragma once

#include "core/error.hpp"

#include <petscsys.h>

#include <string>

namespace ff::linear {

// Throws RunError("PETSc error in `call` (file:line): <PETSc message>").
[[noreturn]] void throw_petsc_error(PetscErrorCode code, const char* call, const char* file, int line);

// Makes PETSc return error codes silently instead of printing a traceback on
// every rank: the RunError thrown by FF_PETSC is the one report the user sees.
void quiet_petsc_errors();

}  // namespace ff::linear

#define FF_PETSC(call)                                                                                   \
  do {                                                                                                   \
    const PetscErrorCode ff_petsc_code_ = (call);                                                        \
    if (ff_petsc_code_ != 0) ::ff::linear::throw_petsc_error(ff_petsc_code_, #call, __FILE__, __LINE__); \
  } while (false)
