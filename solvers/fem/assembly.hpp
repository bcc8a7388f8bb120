// Assembly of a weak form into a PETSc matrix and vector, as a sum over
// integration points. A PointKernel gives one point's contribution; the loop
// sums them over every point of every cell with the quadrature weights, or
// over a chosen list of (cell, point, weight) — the reduced integration of an
// empirical-cubature ROM uses exactly the same kernels.
#pragma once

#include "solvers/fem/cell_values.hpp"

#include <petscmat.h>

#include <vector>

namespace ff::fem {

// One integration point's contribution to a cell's matrix and vector. On a
// space of m components the kernel still sees the scalar basis (p.size
// functions); the cell's unknowns are (function i, component a) at
// I = i * m + a, so the matrix is [(m * size)^2] and the vector [m * size].
class PointKernel {
 public:
  virtual ~PointKernel() = default;
  // matrix[I * m * size + J] += weight * (integrand of a(φ_J, φ_I) at p)
  virtual void add_matrix(const IntegrationPoint& p, double weight, double* matrix) const = 0;
  // vector[I] += weight * (integrand of l(φ_I) at p)
  virtual void add_vector(const IntegrationPoint& p, double weight, double* vector) const = 0;
};

// A point of a reduced rule: `weight` replaces the point's measure.
struct WeightedPoint {
  long cell = 0;
  int index = 0;
  double weight = 0;
};

struct AssemblyTarget {
  Mat matrix = nullptr;  // added to (ADD_VALUES) when set
  Vec vector = nullptr;  // added to when set
  // Dirichlet values at local dofs (only constrained entries are read): their
  // columns of the cell matrices move to the right-hand side, b -= A_bc g.
  const std::vector<double>* boundary = nullptr;
};

// Sums `kernel` over all points of `values`' rule on every local cell (each
// with its measure), or over `points` only. Finishes the PETSc assembly of
// the matrix and vector (collective).
void assemble(CellValues& values, const PointKernel& kernel, const AssemblyTarget& target,
              const std::vector<WeightedPoint>* points = nullptr);

// Adds one cell's matrix [cell_dofs()^2] and vector [cell_dofs()] to the
// target through the cell's dofs. With Dirichlet values, their columns move
// to the right-hand side first (`vector` is changed).
void add_cell_system(const FeSpace& space, long cell, const AssemblyTarget& target, const std::vector<double>& matrix,
                     std::vector<double>& vector);

// Collective: finishes the PETSc assembly of the target's matrix and vector.
void finish_assembly(const AssemblyTarget& target);

}  // namespace ff::fem
