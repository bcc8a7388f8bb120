// fieldforge's side of bench/fem_poisson: −Δu = f on the unit square (cube),
// u = 0 on the boundary, f = dπ² Π sin(πx_d), P1 on the structured simplex
// mesh, CG + GAMG to rtol 1e-10 from a zero guess. Times the assembly of
// matrix and right-hand side into the preallocated pattern and the solve
// (preconditioner setup included) separately, each the fastest of `repeats`,
// and prints one JSON line. With a file name it also writes the solution as
// float64 records (x, y[, z], u) for run.py to compare with FEniCSx's
// (one rank only).
//
//   bench_fem_poisson DIM N REPEATS [SOLUTION_FILE]
#include "solvers/fem/assembly.hpp"
#include "solvers/fem/diffusion.hpp"
#include "solvers/linear/krylov.hpp"
#include "solvers/linear/petsc_check.hpp"

#include <petscsys.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>

namespace {

using namespace ff;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// The slowest rank's time is the parallel time.
double slowest(double seconds) {
  double result = 0;
  MPI_Allreduce(&seconds, &result, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
  return result;
}

void run(int dim, int n, int repeats, const char* solution_file) {
  const auto setup_start = Clock::now();
  fem::BoxMeshOptions box;
  box.dim = dim;
  box.cells = {n, n, n};
  const fem::Mesh mesh = fem::Mesh::box(PETSC_COMM_WORLD, box);
  const fem::FeSpace space(mesh, 1);
  fem::CellValues values(space, fem::gauss_rule(mesh.shape(), 2));
  auto matrix = space.create_matrix();
  auto rhs = space.create_vector();
  auto unknowns = space.create_vector();
  const std::vector<double> boundary(static_cast<std::size_t>(space.local_size()), 0.0);
  const double setup = slowest(seconds_since(setup_start));

  const fem::DiffusionKernel kernel([](const fem::IntegrationPoint&) { return 1.0; },
                                    [dim](const fem::IntegrationPoint& p) {
                                      double f = dim * M_PI * M_PI;
                                      for (int d = 0; d < dim; ++d) f *= std::sin(M_PI * p.x[d]);
                                      return f;
                                    });
  double assembly = 1e300, solve = 1e300;
  linear::KrylovResult result;
  for (int r = 0; r < repeats; ++r) {
    MPI_Barrier(PETSC_COMM_WORLD);
    auto start = Clock::now();
    FF_PETSC(MatZeroEntries(matrix));
    FF_PETSC(VecSet(rhs, 0.0));
    fem::assemble(values, kernel, {matrix, rhs, &boundary});
    assembly = std::min(assembly, slowest(seconds_since(start)));

    MPI_Barrier(PETSC_COMM_WORLD);
    start = Clock::now();
    FF_PETSC(VecSet(unknowns, 0.0));
    linear::KrylovSolver krylov(PETSC_COMM_WORLD, {});  // CG + GAMG, rtol 1e-10
    krylov.set_operator(matrix);
    result = krylov.solve(rhs, unknowns);
    solve = std::min(solve, slowest(seconds_since(start)));
  }

  int ranks = 1, rank = 0;
  MPI_Comm_size(PETSC_COMM_WORLD, &ranks);
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (solution_file != nullptr && ranks == 1) {
    const std::vector<double> solution = space.to_local(unknowns, boundary);
    std::ofstream out(solution_file, std::ios::binary);
    for (long dof = 0; dof < space.local_size(); ++dof) {
      out.write(reinterpret_cast<const char*>(space.dof_coordinates(dof)), dim * sizeof(double));
      out.write(reinterpret_cast<const char*>(&solution[dof]), sizeof(double));
    }
  }
  const long dofs = space.global_size();  // collective
  if (rank == 0)
    std::printf(
        "{\"dofs\": %ld, \"ranks\": %d, \"setup_s\": %.6f, \"assembly_s\": %.6f, \"solve_s\": %.6f, "
        "\"iterations\": %ld, \"reason\": \"%s\"}\n",
        dofs, ranks, setup, assembly, solve, result.iterations, result.reason.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s DIM N REPEATS [SOLUTION_FILE]\n", argv[0]);
    return 2;
  }
  if (PetscInitializeNoArguments() != 0) return 1;
  ff::linear::quiet_petsc_errors();
  int status = 0;
  try {
    run(std::stoi(argv[1]), std::stoi(argv[2]), std::stoi(argv[3]), argc > 4 ? argv[4] : nullptr);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "bench_fem_poisson: %s\n", error.what());
    status = 1;
  }
  PetscFinalize();
  return status;
}
