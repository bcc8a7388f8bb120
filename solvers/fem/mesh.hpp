// Meshes as PETSc DMPlex objects: structured triangle/quadrilateral meshes of
// rectangles and tetrahedron/hexahedron meshes of boxes, built on rank 0 and
// distributed over the ranks of a communicator, with the boundary marked.
// The same code then runs unchanged under `mpiexec -n P`.
#pragma once

#include "solvers/fem/element.hpp"
#include "solvers/linear/petsc_handle.hpp"

#include <petscdmplex.h>

#include <array>

namespace ff::fem {

struct BoxMeshOptions {
  int dim = 2;
  std::array<int, 3> cells{8, 8, 8};  // cells per axis (the first `dim` are used)
  bool simplex = true;                // triangles/tetrahedra, else quadrilaterals/hexahedra
  std::array<double, 3> lower{0, 0, 0};
  std::array<double, 3> upper{1, 1, 1};
};

class Mesh {
 public:
  // Name of the DMLabel marking every boundary point (faces, edges, vertices) with 1.
  static constexpr const char* boundary_label = "boundary";

  // Collective on `comm`. Each square is cut into two triangles along its
  // (0,0)-(1,1) diagonal, each cube into six tetrahedra around its main
  // diagonal (Kuhn), so the simplex meshes are conforming and structured.
  static Mesh box(MPI_Comm comm, const BoxMeshOptions& options);

  DM dm() const { return dm_; }
  MPI_Comm comm() const;
  CellShape shape() const { return shape_; }
  int dim() const { return shape_dimension(shape_); }
  long local_cells() const;
  long global_cells() const;

 private:
  Mesh(linear::PetscHandle<DM, DMDestroy> dm, CellShape shape) : dm_(std::move(dm)), shape_(shape) {}

  linear::PetscHandle<DM, DMDestroy> dm_;
  CellShape shape_;
};

}  // namespace ff::fem
