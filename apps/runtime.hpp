// MPI and PETSc are initialised and finalised here and nowhere else.
#pragma once

#include <string>
#include <vector>

namespace ff {

class Runtime {
 public:
  // `petsc_options` are the arguments after `--` on the command line; they
  // are handed to PETSc untouched (an InputError in a build without PETSc).
  Runtime(int& argc, char**& argv, const std::vector<std::string>& petsc_options);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Stops every rank (MPI_Abort) when an error hit a multi-rank run, so no
  // rank waits forever in a collective call.
  static void abort_all(int code);

 private:
  // Rank 0 logs a warning naming each PETSc option that nothing read: those
  // after `--` and those of stages' `options` strings (linear::
  // unused_petsc_options). Called at the end of the run, before PetscFinalize.
  static void report_unused_petsc_options();
};

// One line per library: versions this binary was built with.
std::string library_versions();

}  // namespace ff
