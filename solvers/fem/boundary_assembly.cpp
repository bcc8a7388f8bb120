#include "solvers/fem/boundary_assembly.hpp"

#include "core/error.hpp"
#include "core/timer.hpp"

#include <algorithm>

namespace ff::fem {

void assemble_boundary(FacetValues& values, const std::vector<BoundaryFace>& faces, const FacetKernel& kernel,
                       const AssemblyTarget& target) {
  ScopedTimer timer("fem.assemble_boundary");
  const FeSpace& space = values.space();
  FF_REQUIRE(space.components() == 1, RunError, "boundary assembly takes scalar spaces, this one has {} components",
             space.components());
  const int n = space.element().size();
  // The matrix is needed for the target's matrix, and to lift Dirichlet values.
  const bool wants_matrix = target.matrix || target.boundary;
  std::vector<double> matrix(n * n), vector(n);
  for (const BoundaryFace& face : faces) {
    std::fill(matrix.begin(), matrix.end(), 0.0);
    std::fill(vector.begin(), vector.end(), 0.0);
    for (int q = 0; q < values.size(); ++q) {
      const FacetPoint& p = values.point(face, q);
      if (wants_matrix) kernel.add_matrix(p, p.measure, matrix.data());
      if (target.vector) kernel.add_vector(p, p.measure, vector.data());
    }
    add_cell_system(space, face.cell, target, matrix, vector);
  }
  finish_assembly(target);
}

}  // namespace ff::fem
