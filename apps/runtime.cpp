#include "apps/runtime.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"

#include <fftw3.h>
#include <hdf5.h>
#include <mpi.h>
#include <fieldforge/build_config.hpp>

#if FIELDFORGE_WITH_PETSC
#include <petscsys.h>

#include "solvers/linear/options_scope.hpp"
#include "solvers/linear/petsc_check.hpp"

#include <spdlog/spdlog.h>
#endif
#if FIELDFORGE_WITH_TORCH
#include "operators/training/device.hpp"
#endif
#if FIELDFORGE_WITH_PETSC && FIELDFORGE_WITH_TORCH
#include "solvers/linear/dcdm/dcdm_pc.hpp"
#endif

namespace ff {

Runtime::Runtime(int& argc, char**& argv, const std::vector<std::string>& petsc_options) {
#if FIELDFORGE_WITH_PETSC
  (void)argc;
  (void)argv;
  std::string options;
  for (const auto& o : petsc_options) options += o + " ";
  // Options may be inserted before initialisation; PETSc then initialises
  // MPI itself, since nobody has yet.
  if (!options.empty() && PetscOptionsInsertString(nullptr, options.c_str()) != 0)
    throw InputError("PETSc options after '--' could not be parsed: " + options);
  if (PetscInitializeNoArguments() != 0) throw RunError("PETSc initialisation failed");
  linear::quiet_petsc_errors();  // a failing PETSc call becomes one RunError, not a traceback per rank
#if FIELDFORGE_WITH_TORCH
  if (linear::register_dcdm_pc() != 0) throw RunError("PETSc: registering the dcdm preconditioner failed");
#endif
#else
  FF_REQUIRE(petsc_options.empty(), InputError,
             "options after '--' are PETSc options, but this build has no PETSc (FIELDFORGE_WITH_PETSC=OFF)");
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
#endif
  node_local_size();  // collective the first time: here, on every rank
}

Runtime::~Runtime() {
#if FIELDFORGE_WITH_PETSC
  report_unused_petsc_options();
  PetscFinalize();
#else
  if (mpi_active()) MPI_Finalize();
#endif
}

void Runtime::report_unused_petsc_options() {
#if FIELDFORGE_WITH_PETSC
  // A destructor calls this: a failure to list them must not end the program.
  try {
    const std::vector<std::string> unused = linear::unused_petsc_options();
    if (mpi_rank() != 0) return;
    for (const std::string& option : unused)
      spdlog::warn(
          "PETSc option {} was not used by any solver (misspelt? meant for a stage that did not run? "
          "a stage's options are -STAGE_name, '-' in stage names written '_')",
          option);
  } catch (const std::exception& e) {
    spdlog::warn("could not list the unused PETSc options: {}", e.what());
  }
#endif
}

void Runtime::abort_all(int code) {
  if (mpi_active() && mpi_size() > 1) MPI_Abort(MPI_COMM_WORLD, code);
}

std::string library_versions() {
  unsigned major = 0, minor = 0, release = 0;
  H5get_libversion(&major, &minor, &release);
  char mpi_version[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  MPI_Get_library_version(mpi_version, &length);
  std::string mpi(mpi_version, static_cast<std::size_t>(length));
  mpi = mpi.substr(0, mpi.find_first_of(",\n"));
  std::string text = fmt::format("  HDF5 {}.{}.{} ({})\n  {}\n  MPI: {}\n", major, minor, release,
                                 FIELDFORGE_HDF5_PARALLEL ? "parallel" : "serial", fftw_version, mpi);
#if FIELDFORGE_WITH_PETSC
  text += fmt::format("  PETSc {}.{}.{}\n", PETSC_VERSION_MAJOR, PETSC_VERSION_MINOR, PETSC_VERSION_SUBMINOR);
#else
  text += "  PETSc: not built (FIELDFORGE_WITH_PETSC=OFF)\n";
#endif
#if FIELDFORGE_WITH_TORCH
  text += "  " + describe_torch() + "\n";
#else
  text += "  LibTorch: not built (FIELDFORGE_WITH_TORCH=OFF)\n";
#endif
  return text;
}

}  // namespace ff
