// Assembly of boundary terms (Neumann and Robin) into a PETSc matrix and
// vector, the facet twin of assembly.hpp: a FacetKernel gives one face
// point's contribution, the loop sums them over every point of every face of
// a boundary part and adds each face's matrix and vector through its cell's
// dofs, with Dirichlet values lifted exactly as assemble() does.
#pragma once

#include "solvers/fem/assembly.hpp"
#include "solvers/fem/facet_values.hpp"

#include <vector>

namespace ff::fem {

// One face point's contribution to its cell's matrix and vector (scalar
// spaces: indices are the cell's basis functions).
class FacetKernel {
 public:
  virtual ~FacetKernel() = default;
  // matrix[i * size + j] += weight * (integrand of a(φ_j, φ_i) at p)
  virtual void add_matrix(const FacetPoint& p, double weight, double* matrix) const = 0;
  // vector[i] += weight * (integrand of l(φ_i) at p)
  virtual void add_vector(const FacetPoint& p, double weight, double* vector) const = 0;
};

// Sums `kernel` over all points of `values`' rule on `faces` (this rank's,
// from boundary_faces()), each with its measure. Finishes the PETSc assembly
// of the matrix and vector (collective, also for a rank without faces).
void assemble_boundary(FacetValues& values, const std::vector<BoundaryFace>& faces, const FacetKernel& kernel,
                       const AssemblyTarget& target);

}  // namespace ff::fem
