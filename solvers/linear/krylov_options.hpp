// Settings and outcome of a Krylov solve as plain structs (no PETSc types),
// so stage headers can hold them. Defaults suit the SPD problems of solvers/fem.
#pragma once

#include "io/schema.hpp"

#include <string>

namespace ff::linear {

struct KrylovOptions {
  std::string ksp_type = "cg";
  std::string pc_type = "gamg";
  double rtol = 1e-10;
  double atol = 1e-50;
  long max_it = 10000;
  // Further PETSc options, e.g. "-pc_gamg_threshold 0.02 -ksp_monitor".
  // Options given on the command line after `--` take precedence.
  std::string options;
};

struct KrylovResult {
  long iterations = 0;
  double residual_norm = 0;  // the norm the KSP tested (preconditioned for CG's default)
  std::string reason;        // PETSc's converged reason, e.g. "CONVERGED_RTOL"
};

// The `petsc:` map of a stage that solves linear systems, with these defaults.
Schema krylov_schema();

}  // namespace ff::linear
