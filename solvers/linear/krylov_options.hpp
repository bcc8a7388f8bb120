// Settings and outcome of a Krylov solve as plain structs (no PETSc types),
// so stage headers can hold them. Defaults suit the SPD problems of solvers/fem.
#pragma once

#include "io/schema.hpp"

#include <string>
#include <vector>

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
  // The residual norm the KSP tested, before the first iteration and after
  // each one (iterations + 1 entries; at most the first 10000 are kept).
  std::vector<double> residual_history;
};

// The `petsc:` map of a stage that solves linear systems, with these defaults.
Schema krylov_schema();
// The same map with other defaults (GMRES for the nonsymmetric Jacobians of Newton's method).
Schema krylov_schema(const KrylovOptions& defaults);

}  // namespace ff::linear
