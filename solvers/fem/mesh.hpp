// Meshes as PETSc DMPlex objects: structured triangle/quadrilateral meshes of
// rectangles and tetrahedron/hexahedron meshes of boxes, built on rank 0 and
// distributed over the ranks of a communicator, with the boundary marked.
// The same code then runs unchanged under `mpiexec -n P`.
#pragma once

#include "solvers/fem/box_mesh_options.hpp"
#include "solvers/fem/element.hpp"
#include "solvers/linear/petsc_handle.hpp"

#include <petscdmplex.h>

#include <array>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace ff::fem {

class Mesh {
 public:
  // Name of the DMLabel marking every boundary point (faces, edges, vertices) with 1.
  static constexpr const char* boundary_label = "boundary";

  // Collective on `comm`. Each square is cut into two triangles along its
  // (0,0)-(1,1) diagonal, each cube into six tetrahedra around its main
  // diagonal (Kuhn), so the simplex meshes are conforming and structured.
  static Mesh box(MPI_Comm comm, const BoxMeshOptions& options);

  // Collective on `comm`: a Gmsh 4 ASCII file, read on rank 0 and distributed
  // (solvers/fem/mesh_gmsh.cpp). One cell type (triangles, quadrangles,
  // tetrahedra or hexahedra, first order); physical groups of dimension
  // dim - 1 become the named boundary parts. InputError naming the file for a
  // missing or unreadable file, mixed or unsupported elements, and inverted
  // or degenerate elements (by Gmsh element tag).
  static Mesh from_gmsh(MPI_Comm comm, const std::filesystem::path& file);

  // Named parts of the boundary, for boundary conditions given by name. Each
  // part is a positive id of the DMLabel `boundary_parts_label` on boundary
  // faces (and, completed, on their edges and vertices). Box meshes name their
  // sides left/right (x = lower/upper), bottom/top (y) and, in 3D, front/back
  // (z); Gmsh meshes name them by their physical groups of dimension dim - 1.
  static constexpr const char* boundary_parts_label = "Face Sets";
  const std::map<std::string, int>& boundary_parts() const { return boundary_parts_; }
  // The id of a named part, or nothing for an unknown name.
  std::optional<int> boundary_part(const std::string& name) const;
  // The parts of every box mesh of dimension `dim`, known before one is built
  // (so a stage can check names while its case file is validated).
  static std::map<std::string, int> box_boundary_parts(int dim);

  DM dm() const { return dm_; }
  MPI_Comm comm() const;
  CellShape shape() const { return shape_; }
  int dim() const { return shape_dimension(shape_); }
  long local_cells() const;
  long global_cells() const;

 private:
  Mesh(linear::PetscHandle<DM, DMDestroy> dm, CellShape shape, std::map<std::string, int> boundary_parts)
      : dm_(std::move(dm)), shape_(shape), boundary_parts_(std::move(boundary_parts)) {}

  linear::PetscHandle<DM, DMDestroy> dm_;
  CellShape shape_;
  std::map<std::string, int> boundary_parts_;
};

}  // namespace ff::fem
