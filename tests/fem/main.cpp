// GoogleTest main for the finite-element tests: PETSc (and MPI) live for the
// whole test run, as apps/runtime.cpp arranges for `fieldforge run`. Under
// mpiexec only rank 0 prints the test report.
#include "solvers/linear/petsc_check.hpp"

#include <gtest/gtest.h>
#include <petscsys.h>

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (PetscInitialize(&argc, &argv, nullptr, nullptr) != 0) return 1;
  ff::linear::quiet_petsc_errors();
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (rank != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  const int status = RUN_ALL_TESTS();
  PetscFinalize();
  return status;
}
