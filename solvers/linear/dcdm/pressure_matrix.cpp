#include "solvers/linear/dcdm/pressure_matrix.hpp"

#include "solvers/linear/petsc_check.hpp"

namespace ff::linear {

PetscHandle<Mat, MatDestroy> assemble_pressure_matrix(const obstacles::PressureLaplacian& laplacian, MPI_Comm comm) {
  PetscHandle<Mat, MatDestroy> A;
  const PetscInt n = laplacian.size();
  // At most 7 entries a row (5 in 2D), at most 6 of them off the diagonal.
  FF_PETSC(MatCreateAIJ(comm, PETSC_DECIDE, PETSC_DECIDE, n, n, 7, nullptr, 6, nullptr, A.out()));
  PetscInt first = 0, end = 0;
  FF_PETSC(MatGetOwnershipRange(A, &first, &end));
  std::vector<PetscInt> columns;
  for (PetscInt row = first; row < end; ++row) {
    const long begin = laplacian.row_start()[row], count = laplacian.row_start()[row + 1] - begin;
    columns.assign(laplacian.columns().begin() + begin, laplacian.columns().begin() + begin + count);
    FF_PETSC(MatSetValues(A, 1, &row, static_cast<PetscInt>(count), columns.data(), laplacian.values().data() + begin,
                          INSERT_VALUES));
  }
  FF_PETSC(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  FF_PETSC(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  FF_PETSC(MatSetOption(A, MAT_SPD, PETSC_TRUE));
  return A;
}

PetscHandle<Vec, VecDestroy> distributed_vector(Mat matrix, const std::vector<double>& values) {
  PetscHandle<Vec, VecDestroy> x;
  FF_PETSC(MatCreateVecs(matrix, x.out(), nullptr));
  PetscInt first = 0, end = 0;
  FF_PETSC(VecGetOwnershipRange(x, &first, &end));
  PetscScalar* local = nullptr;
  FF_PETSC(VecGetArray(x, &local));
  for (PetscInt i = first; i < end; ++i) local[i - first] = values[i];
  FF_PETSC(VecRestoreArray(x, &local));
  return x;
}

std::vector<double> gathered_values(Vec x) {
  PetscHandle<VecScatter, VecScatterDestroy> scatter;
  PetscHandle<Vec, VecDestroy> all;
  FF_PETSC(VecScatterCreateToAll(x, scatter.out(), all.out()));
  FF_PETSC(VecScatterBegin(scatter, x, all, INSERT_VALUES, SCATTER_FORWARD));
  FF_PETSC(VecScatterEnd(scatter, x, all, INSERT_VALUES, SCATTER_FORWARD));
  PetscInt n = 0;
  FF_PETSC(VecGetSize(all, &n));
  const PetscScalar* values = nullptr;
  FF_PETSC(VecGetArrayRead(all, &values));
  std::vector<double> out(values, values + n);
  FF_PETSC(VecRestoreArrayRead(all, &values));
  return out;
}

}  // namespace ff::linear
