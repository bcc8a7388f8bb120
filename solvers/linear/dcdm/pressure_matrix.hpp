// A PressureLaplacian assembled into a PETSc AIJ matrix, rows distributed
// over the ranks of `comm` as PETSc decides, marked SPD.
#pragma once

#include "solvers/linear/petsc_handle.hpp"
#include "solvers/obstacles/pressure_laplacian.hpp"

#include <petscmat.h>

#include <vector>

namespace ff::linear {

PetscHandle<Mat, MatDestroy> assemble_pressure_matrix(const obstacles::PressureLaplacian& laplacian, MPI_Comm comm);

// A vector of the matrix's layout holding `values` (every rank passes all of them).
PetscHandle<Vec, VecDestroy> distributed_vector(Mat matrix, const std::vector<double>& values);

// All entries of a distributed vector, on every rank.
std::vector<double> gathered_values(Vec x);

}  // namespace ff::linear
