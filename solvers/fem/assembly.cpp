#include "solvers/fem/assembly.hpp"

#include "core/timer.hpp"
#include "solvers/linear/petsc_check.hpp"

#include <algorithm>

namespace ff::fem {

namespace {

// One cell's matrix and vector, summed point by point and then added to the
// global objects.
class CellSystem {
 public:
  CellSystem(const FeSpace& space, const AssemblyTarget& target)
      : space_(space), target_(target), size_(space.cell_dofs()), matrix_(size_ * size_), vector_(size_) {}

  void begin(long cell) {
    cell_ = cell;
    std::fill(matrix_.begin(), matrix_.end(), 0.0);
    std::fill(vector_.begin(), vector_.end(), 0.0);
  }
  double* matrix() { return matrix_.data(); }
  double* vector() { return vector_.data(); }
  bool wants_matrix() const { return target_.matrix || target_.boundary; }

  void finish() { add_cell_system(space_, cell_, target_, matrix_, vector_); }

 private:
  const FeSpace& space_;
  const AssemblyTarget& target_;
  int size_;
  long cell_ = 0;
  std::vector<double> matrix_, vector_;
};

void add_point(const PointKernel& kernel, const IntegrationPoint& p, double weight, CellSystem& cell,
               const AssemblyTarget& target) {
  if (cell.wants_matrix()) kernel.add_matrix(p, weight, cell.matrix());
  if (target.vector) kernel.add_vector(p, weight, cell.vector());
}

}  // namespace

void add_cell_system(const FeSpace& space, long cell, const AssemblyTarget& target, const std::vector<double>& matrix,
                     std::vector<double>& vector) {
  const int n = space.cell_dofs();
  const PetscInt* global = space.global_dofs(cell);
  if (target.vector && target.boundary) {
    // b_i -= Σ_j A_ij g_j over the constrained dofs j of the cell.
    const PetscInt* local = space.local_dofs(cell);
    for (int j = 0; j < n; ++j) {
      if (!space.constrained(local[j])) continue;
      const double g = (*target.boundary)[local[j]];
      for (int i = 0; i < n; ++i) vector[i] -= matrix[i * n + j] * g;
    }
  }
  if (target.matrix) FF_PETSC(MatSetValues(target.matrix, n, global, n, global, matrix.data(), ADD_VALUES));
  if (target.vector) FF_PETSC(VecSetValues(target.vector, n, global, vector.data(), ADD_VALUES));
}

void finish_assembly(const AssemblyTarget& target) {
  if (target.matrix) {
    FF_PETSC(MatAssemblyBegin(target.matrix, MAT_FINAL_ASSEMBLY));
    FF_PETSC(MatAssemblyEnd(target.matrix, MAT_FINAL_ASSEMBLY));
  }
  if (target.vector) {
    FF_PETSC(VecAssemblyBegin(target.vector));
    FF_PETSC(VecAssemblyEnd(target.vector));
  }
}

void assemble(CellValues& values, const PointKernel& kernel, const AssemblyTarget& target,
              const std::vector<WeightedPoint>* points) {
  ScopedTimer timer("fem.assemble");
  CellSystem cell(values.space(), target);
  if (!points) {
    for (long c = 0; c < values.space().cells(); ++c) {
      cell.begin(c);
      for (int q = 0; q < values.rule().size(); ++q) {
        const IntegrationPoint& p = values.point(c, q);
        add_point(kernel, p, p.measure, cell, target);
      }
      cell.finish();
    }
  } else {
    // Points of one cell are summed before the cell is added, in any order of cells.
    std::vector<WeightedPoint> sorted(*points);
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.cell < b.cell; });
    for (std::size_t k = 0; k < sorted.size();) {
      cell.begin(sorted[k].cell);
      const long c = sorted[k].cell;
      for (; k < sorted.size() && sorted[k].cell == c; ++k)
        add_point(kernel, values.point(c, sorted[k].index), sorted[k].weight, cell, target);
      cell.finish();
    }
  }
  finish_assembly(target);
}

}  // namespace ff::fem
