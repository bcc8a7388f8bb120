// Settings and outcome of a Krylov solve as plain structs (no PETSc types),
// so stage headers can hold them. Defaults suit the SPD problems of solvers/fem.
#pragma once

#include "io/options.hpp"
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
  // Further PETSc options, e.g. "-pc_gamg_threshold 0.02 -ksp_monitor",
  // taken under `prefix`. Options given on the command line after `--` take
  // precedence; one that no solver reads is reported at the end of a run.
  std::string options;
  // The KSP's options prefix, e.g. options_prefix("data") = "data_": then
  // `-data_ksp_type gmres` on the command line reaches this solver and no
  // other stage's. Empty: no prefix (tests, programs without stages).
  std::string prefix;
};

struct KrylovResult {
  long iterations = 0;
  double residual_norm = 0;  // the norm the KSP tested (preconditioned for CG's default)
  std::string reason;        // PETSc's converged reason, e.g. "CONVERGED_RTOL"
  // The residual norm the KSP tested, before the first iteration and after
  // each one (iterations + 1 entries; at most the first 10000 are kept).
  std::vector<double> residual_history;
};

// The PETSc options prefix of a stage's solvers: its name with '-' mapped to
// '_' (PETSc takes letters, digits and '_' in option names), then '_':
// "data" -> "data_", "fine-mesh" -> "fine_mesh_". The stage's options are
// then -data_ksp_type, -fine_mesh_pc_type, ... Empty for an empty name.
std::string options_prefix(const std::string& stage_name);

// The `petsc:` map of a stage that solves linear systems, bound to the
// members of KrylovOptions (`prefix` is no key: a stage sets it from its
// name), with the defaults `defaults` (GMRES for the nonsymmetric Jacobians
// of Newton's method: NewtonOptions{}.linear): o.map("petsc", &S::petsc,
// krylov_options(), ...).
OptionsSchema<KrylovOptions> krylov_options(const KrylovOptions& defaults = KrylovOptions{});

}  // namespace ff::linear
