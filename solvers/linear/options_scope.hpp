// A stage's PETSc options, as the default options database for as long as
// the scope lives. Every object a solver creates or configures meanwhile
// (KSP, PC, SNES, line search, GAMG levels) reads its options then, so one
// scope covers configuration and solve.
//
// Each solver of a stage carries the stage's options prefix (options_prefix
// in krylov_options.hpp: the stage `data` has "data_"), so `-data_ksp_type
// cg` reaches the solvers of that stage alone. The scope's database holds,
// later entries winning where names meet:
//   1. the stage's settings (its `petsc:` map: ksp_type, pc_type, tolerances)
//      and the map's `options` string, each under the prefix;
//   2. every option of the enclosing database (the command line after `--`)
//      once more under the prefix, so an unprefixed `-ksp_type gmres` or
//      `-ksp_view` still reaches every stage's solvers;
//   3. the enclosing database's options as they are, so `-data_ksp_type cg`
//      beats both the stage's map and an unprefixed `-ksp_type`.
// So: command line `-STAGE_x` > command line `-x` > the stage's `petsc:` map.
//
// Options read inside the scope are marked used in the enclosing database
// when the scope ends, so PETSc's own bookkeeping (-options_left) and
// unused_petsc_options() below see what the solvers read; entries of a
// stage's `options` string that no solver read are kept for that report.
#pragma once

#include "solvers/linear/petsc_handle.hpp"

#include <petscsys.h>

#include <string>
#include <vector>

namespace ff::linear {

// One option without prefix or leading '-': {"ksp_type", "cg"}, {"ksp_view", ""}.
struct PetscOption {
  std::string name;
  std::string value;  // empty for a flag
};

// Options in PETSc's command-line form, "-pc_gamg_threshold 0.02 -ksp_monitor",
// as PETSc reads them: a token is a name when PETSc takes it for one ('-' then
// a letter; "-1e-3" is a value), and the tokens up to the next name are its
// value. InputError naming `origin` for a token before the first name.
std::vector<PetscOption> parse_petsc_options(const std::string& text, const std::string& origin);

struct KrylovOptions;

// A `petsc:` map's typed settings as PETSc options: ksp_type, pc_type,
// ksp_rtol, ksp_atol, ksp_max_it (numbers written to round-trip exactly).
std::vector<PetscOption> krylov_settings(const KrylovOptions& options);

class StageOptionsScope {
 public:
  // `prefix` as KSPSetOptionsPrefix takes it ("data_", or "" for none);
  // `settings` the stage's typed settings (e.g. {"ksp_type", "cg"}); `extra`
  // the map's free `options` string, whose unread entries are reported as
  // coming from `origin` (e.g. "stage data, petsc.options").
  StageOptionsScope(const std::string& prefix, const std::vector<PetscOption>& settings, const std::string& extra,
                    const std::string& origin);
  ~StageOptionsScope();
  StageOptionsScope(const StageOptionsScope&) = delete;
  StageOptionsScope& operator=(const StageOptionsScope&) = delete;

 private:
  std::string prefix_;
  std::vector<PetscOption> enclosing_;  // the enclosing database's options
  std::vector<PetscOption> extra_;      // the `options` string's, prefix not included
  std::string origin_;
  // Owned by a handle so that a constructor failing before the push frees
  // it; when pushed, the destructor pops it before the handle destroys it.
  PetscHandle<PetscOptions, PetscOptionsDestroy> options_;
};

// Options nobody read, one line each ("-dta_ksp_type cg (command line)"):
// those of the global database (the command line after `--`) and entries of
// stages' `options` strings that no solver of the stage read. A run reports
// them at its end (apps/runtime.cpp), as PETSc's -options_left does. Call
// while PETSc is initialised; an explicit `-options_left` leaves the global
// database's report to PETSc (and `-options_left 0` silences both).
std::vector<std::string> unused_petsc_options();

}  // namespace ff::linear
