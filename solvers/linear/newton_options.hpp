// Settings and outcome of a Newton solve as plain structs (no PETSc types),
// so stage headers can hold them, as krylov_options.hpp for linear solves.
#pragma once

#include "solvers/linear/krylov_options.hpp"

#include <functional>
#include <string>
#include <vector>

namespace ff::linear {

struct NewtonOptions {
  double rtol = 1e-10;  // converged when ‖F(u_k)‖ ≤ rtol ‖F(u_0)‖ ...
  double atol = 1e-50;  // ... or ‖F(u_k)‖ ≤ atol
  long max_it = 50;     // Newton iterations
  // Further PETSc options, e.g. "-snes_linesearch_type basic -snes_monitor",
  // taken under `prefix`. Options given on the command line after `--` take
  // precedence; one that no solver reads is reported at the end of a run.
  std::string options;
  // The SNES's options prefix (options_prefix(stage name), e.g. "conduction_"),
  // which its KSP, PC and line search share: `-conduction_snes_monitor` and
  // `-conduction_ksp_type` reach this solve alone. Empty: no prefix.
  std::string prefix;
  // The linear solve of each Newton step. A Newton Jacobian is in general not
  // symmetric, hence GMRES; solving it to 1e-12 keeps the step exact enough
  // that the quadratic convergence shows down to round-off. Its `prefix` is
  // unused: the KSP takes the SNES's.
  KrylovOptions linear{"gmres", "gamg", 1e-12, 1e-50, 10000, "", ""};
  // Called on every rank as the iteration goes, with k (0: the initial
  // guess) and ‖F(u_k)‖, so a long or failing solve can be followed live.
  std::function<void(long iteration, double residual_norm)> monitor;
};

struct NewtonResult {
  long iterations = 0;            // Newton steps taken
  long linear_iterations = 0;     // Krylov iterations summed over the steps
  std::vector<double> residuals;  // ‖F(u_k)‖ for k = 0 ... iterations
  std::string reason;             // PETSc's converged reason, e.g. "CONVERGED_FNORM_RELATIVE"
};

// The `newton:` map of a stage that solves a nonlinear problem, bound to the
// members rtol, atol, max_it and options of NewtonOptions, with these
// defaults; its linear solves take the `petsc:` map of
// krylov_options(NewtonOptions{}.linear), read into `linear`.
OptionsSchema<NewtonOptions> newton_options();
// The same map as a plain Schema.
Schema newton_schema();

}  // namespace ff::linear
