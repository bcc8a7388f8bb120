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
      : space_(space), target_(target), size_(space.element().size()), matrix_(size_ * size_), vector_(size_) {}

  void begin(long cell) {
    cell_ = cell;
    std::fill(matrix_.begin(), matrix_.end(), 0.0);
    std::fill(vector_.begin(), vector_.end(), 0.0);
  }
  double* matrix() { return matrix_.data(); }
  double* vector() { return vector_.data(); }
  bool wants_matrix() const { return target_.matrix || target_.boundary; }

  void finish() {
    const PetscInt* global = space_.global_dofs(cell_);
    if (target_.vector && target_.boundary) lift_boundary_values();
    if (target_.matrix) FF_PETSC(MatSetValues(target_.matrix, size_, global, size_, global, matrix_.data(), ADD_VALUES));
    if (target_.vector) FF_PETSC(VecSetValues(target_.vector, size_, global, vector_.data(), ADD_VALUES));
  }

 private:
  // b_i -= Σ_j A_ij g_j over the constrained dofs j of the cell.
  void lift_boundary_values() {
    const PetscInt* local = space_.local_dofs(cell_);
    for (int j = 0; j < size_; ++j) {
      if (!space_.constrained(local[j])) continue;
      const double g = (*target_.boundary)[local[j]];
      for (int i = 0; i < size_; ++i) vector_[i] -= matrix_[i * size_ + j] * g;
    }
  }

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
  if (target.matrix) {
    FF_PETSC(MatAssemblyBegin(target.matrix, MAT_FINAL_ASSEMBLY));
    FF_PETSC(MatAssemblyEnd(target.matrix, MAT_FINAL_ASSEMBLY));
  }
  if (target.vector) {
    FF_PETSC(VecAssemblyBegin(target.vector));
    FF_PETSC(VecAssemblyEnd(target.vector));
  }
}

}  // namespace ff::fem
