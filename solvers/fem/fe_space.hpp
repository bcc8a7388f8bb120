// A Lagrange finite-element space on a distributed Mesh: one unknown per
// vertex (and per edge for P2), laid out by a PetscSection on the DMPlex.
// Dofs on the boundary are constrained (Dirichlet): they are left out of the
// global system, and assembly lifts their values into the right-hand side.
//
// Indices: a *local* dof is an entry of this rank's local vector (owned and
// ghost dofs, constrained ones included); a *global* dof a row of the global
// matrix, or -1 for a constrained dof (PETSc's MatSetValues skips it).
#pragma once

#include "solvers/fem/element.hpp"
#include "solvers/fem/mesh.hpp"

#include <petscmat.h>

#include <vector>

namespace ff::fem {

class FeSpace {
 public:
  FeSpace(const Mesh& mesh, int degree);

  const Mesh& mesh() const { return mesh_; }
  const ReferenceElement& element() const { return element_; }
  int dim() const { return element_.dim(); }
  long cells() const { return cells_; }            // this rank's cells
  long local_size() const { return local_size_; }  // local dofs
  long global_size() const;                        // unknowns of the global system

  // Per cell, in the element's basis order: local and global dof indices.
  const PetscInt* local_dofs(long cell) const { return &local_dofs_[cell * element_.size()]; }
  const PetscInt* global_dofs(long cell) const { return &global_dofs_[cell * element_.size()]; }
  // Per cell, the vertex coordinates [vertices * dim] in the element's vertex order.
  const double* vertex_coordinates(long cell) const { return &vertex_coordinates_[cell * element_.vertices() * dim()]; }
  // Per local dof: its node (vertex, or edge midpoint) [dim], and whether it is constrained.
  const double* dof_coordinates(long dof) const { return &dof_coordinates_[dof * dim()]; }
  bool constrained(long dof) const { return constrained_[dof] != 0; }

  // The global matrix with exactly preallocated rows (an entry outside the
  // pattern is an error), and global vectors.
  linear::PetscHandle<Mat, MatDestroy> create_matrix() const;
  linear::PetscHandle<Vec, VecDestroy> create_vector() const;
  // The local values of a global vector; constrained dofs get `boundary`'s values.
  std::vector<double> to_local(Vec global, const std::vector<double>& boundary) const;

 private:
  void build_section();
  void build_cells();

  const Mesh& mesh_;
  ReferenceElement element_;
  long cells_ = 0, local_size_ = 0;
  std::vector<PetscInt> local_dofs_, global_dofs_;
  std::vector<double> vertex_coordinates_, dof_coordinates_;
  std::vector<char> constrained_;
  std::vector<PetscInt> global_of_local_;
};

}  // namespace ff::fem
