// A Lagrange finite-element space on a distributed Mesh: `components`
// unknowns per vertex (and per edge for P2), laid out by a PetscSection on the
// space's own clone of the mesh's DMPlex (DMClone: topology and coordinates
// shared, the section not), so any number of spaces live on one Mesh side by
// side: a P1 and a P2 space, or a displacement and a scalar one.
// Constrained (Dirichlet) dofs are left out of the global system, and
// assembly lifts their values into the right-hand side. By default every
// boundary dof is constrained; FeSpaceOptions::dirichlet picks named boundary
// parts instead, per component if need be.
//
// Indices: a *local* dof is an entry of this rank's local vector (owned and
// ghost dofs, constrained ones included); a *global* dof a row of the global
// matrix, or -1 for a constrained dof (PETSc's MatSetValues skips it).
// The components of a node are interleaved: local dof `node * components + c`,
// and a cell's dofs run basis function by basis function, components inside.
#pragma once

#include "solvers/fem/element.hpp"
#include "solvers/fem/mesh.hpp"

#include <petscmat.h>

#include <optional>
#include <string>
#include <vector>

namespace ff::fem {

// Dirichlet constraints on the dofs of one named boundary part.
struct DirichletPart {
  std::string part;    // a name of Mesh::boundary_parts()
  int component = -1;  // the constrained component, or -1 for all of them
};

struct FeSpaceOptions {
  int degree = 1;      // P1/Q1, or P2 on simplices
  int components = 1;  // 1 for a scalar field, dim for a displacement
  // Nothing: the whole boundary, every component. A list (an empty one for a
  // problem without Dirichlet conditions): only the dofs it names.
  std::optional<std::vector<DirichletPart>> dirichlet;
};

class FeSpace {
 public:
  // A scalar space constrained on the whole boundary.
  FeSpace(const Mesh& mesh, int degree);
  // InputError for a part name the mesh does not have, or a component out of range.
  FeSpace(const Mesh& mesh, const FeSpaceOptions& options);

  const Mesh& mesh() const { return mesh_; }
  // This space's DMPlex: the mesh's topology with this space's section. Every
  // vector, matrix, closure and section of the space goes through it, never
  // through mesh().dm(), which carries no section.
  DM dm() const { return dm_; }
  const ReferenceElement& element() const { return element_; }
  int dim() const { return element_.dim(); }
  int components() const { return components_; }
  // Dofs per cell: the element's basis functions times the components.
  int cell_dofs() const { return element_.size() * components_; }
  long cells() const { return cells_; }            // this rank's cells
  long local_size() const { return local_size_; }  // local dofs
  long global_size() const;                        // unknowns of the global system

  // Per cell, [cell_dofs()] local and global dof indices: entry i * components() + c
  // is component c of the element's basis function i.
  const PetscInt* local_dofs(long cell) const { return &local_dofs_[cell * cell_dofs()]; }
  const PetscInt* global_dofs(long cell) const { return &global_dofs_[cell * cell_dofs()]; }
  // Per cell, the vertex coordinates [vertices * dim] in the element's vertex order.
  const double* vertex_coordinates(long cell) const { return &vertex_coordinates_[cell * element_.vertices() * dim()]; }
  // Per local dof: its node (vertex, or edge midpoint) [dim], its component,
  // whether it is constrained, and its global dof (-1 if constrained).
  const double* dof_coordinates(long dof) const { return &dof_coordinates_[dof * dim()]; }
  int component(long dof) const { return static_cast<int>(dof % components_); }
  bool constrained(long dof) const { return constrained_[dof] != 0; }
  PetscInt global_dof(long dof) const { return global_of_local_[dof]; }
  // The local dofs on a named boundary part (its faces, edges and vertices),
  // of one component or (-1) all; for setting Dirichlet values part by part.
  // InputError for an unknown name, listing the mesh's parts.
  std::vector<long> part_dofs(const std::string& part, int component = -1) const;

  // The global matrix with exactly preallocated rows (an entry outside the
  // pattern is an error), and global vectors.
  linear::PetscHandle<Mat, MatDestroy> create_matrix() const;
  linear::PetscHandle<Vec, VecDestroy> create_vector() const;
  // The local values of a global vector; constrained dofs get `boundary`'s values.
  std::vector<double> to_local(Vec global, const std::vector<double>& boundary) const;

 private:
  void build_section(const std::optional<std::vector<DirichletPart>>& dirichlet);
  void build_cells();
  // The points carrying dofs in the closure of a named part, and whether `p` carries dofs.
  std::vector<PetscInt> part_points(const std::string& part) const;
  bool carries_dofs(PetscInt point) const;

  const Mesh& mesh_;
  linear::PetscHandle<DM, DMDestroy> dm_;  // the clone of mesh_.dm() that carries this space's section
  ReferenceElement element_;
  int components_ = 1;
  // Every node has all or none of its components constrained, on every rank:
  // the global matrix then has blocks of `components_` rows (GAMG aggregates nodes).
  bool node_blocks_ = true;
  long cells_ = 0, local_size_ = 0;
  std::vector<PetscInt> local_dofs_, global_dofs_;
  std::vector<double> vertex_coordinates_, dof_coordinates_;
  std::vector<char> constrained_;
  std::vector<PetscInt> global_of_local_;
};

}  // namespace ff::fem
