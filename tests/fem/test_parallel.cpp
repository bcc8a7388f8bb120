// Run under `mpiexec -n 2` by ctest (mpi.fem_*): the manufactured problem
// solved on a mesh distributed over all ranks has the errors of the same
// problem solved by one rank alone. The two solves differ only in the order
// of floating-point sums and in the partition-dependent GAMG preconditioner,
// both converged to rtol 1e-12: the errors (≥ 1e-5 here) agree far below
// 1e-8 relative. Run serially, the test still passes (both solves are serial).
#include "manufactured.hpp"

#include <gtest/gtest.h>
#include <petscsys.h>

namespace {

using namespace ff::fem;
using namespace ff::fem::test;

void expect_same_errors(const Study& study, int n) {
  const Errors distributed = solve_manufactured(PETSC_COMM_WORLD, study, n, 1e-12);
  const Errors serial = solve_manufactured(PETSC_COMM_SELF, study, n, 1e-12);
  EXPECT_NEAR(distributed.norms.l2, serial.norms.l2, 1e-8 * serial.norms.l2);
  EXPECT_NEAR(distributed.norms.h1, serial.norms.h1, 1e-8 * serial.norms.h1);
}

TEST(Parallel, MeshIsDistributedOverAllRanks) {
  int size = 1;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  BoxMeshOptions options;
  options.cells = {16, 16, 16};
  const Mesh mesh = Mesh::box(PETSC_COMM_WORLD, options);
  EXPECT_EQ(mesh.global_cells(), 2 * 16 * 16);
  if (size > 1) {
    EXPECT_GT(mesh.local_cells(), 0);
    EXPECT_LT(mesh.local_cells(), mesh.global_cells());
  }
}

TEST(Parallel, DistributedP1ErrorsEqualSerialOnes) { expect_same_errors({2, true, 1}, 32); }
TEST(Parallel, DistributedQ1HexErrorsEqualSerialOnes) { expect_same_errors({3, false, 1}, 8); }
TEST(Parallel, DistributedP2ErrorsEqualSerialOnes) { expect_same_errors({2, true, 2}, 16); }

}  // namespace
