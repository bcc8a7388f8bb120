#include "solvers/fem/mesh.hpp"

#include "core/error.hpp"
#include "solvers/linear/petsc_check.hpp"

#include <cmath>
#include <vector>

namespace ff::fem {

namespace {

// Vertex index of grid point (i, j, k) of an (n0+1) x (n1+1) x (n2+1) lattice.
struct Lattice {
  std::array<int, 3> cells;
  int dim;
  PetscInt vertex(int i, int j, int k) const { return i + (cells[0] + 1) * (j + (dim == 3 ? (cells[1] + 1) * k : 0)); }
  PetscInt corner(const std::array<int, 3>& origin, int bits) const {
    return vertex(origin[0] + (bits & 1), origin[1] + ((bits >> 1) & 1), origin[2] + ((bits >> 2) & 1));
  }
};

// Cells of one lattice box with lower corner `origin`, in DMPlex's vertex
// order: quadrilaterals counter-clockwise; hexahedra with the bottom face
// (0,0,0),(0,1,0),(1,1,0),(1,0,0) and the top face (0,0,1),(1,0,1),(1,1,1),(0,1,1),
// as in DMPlex's reference hexahedron; triangles counter-clockwise;
// tetrahedra as DMPlex's reference one, whose first three vertices run
// clockwise seen from the fourth.
void box_cells(const Lattice& lattice, const std::array<int, 3>& origin, bool simplex, std::vector<PetscInt>& cells) {
  auto add = [&](std::initializer_list<int> corners) {
    for (int bits : corners) cells.push_back(lattice.corner(origin, bits));
  };
  if (lattice.dim == 2) {
    if (simplex) {
      add({0, 1, 3});
      add({0, 3, 2});
    } else {
      add({0, 1, 3, 2});
    }
    return;
  }
  if (!simplex) {
    add({0, 2, 3, 1, 4, 5, 7, 6});
    return;
  }
  // Kuhn: for each order (a, b, c) of the axes, the path 0 -> e_a -> e_a+e_b -> 1.
  // Paths of even permutations are positively oriented (det +1), those of odd
  // ones negatively: swapping the middle vertices of the even ones gives every
  // tetrahedron DMPlex's orientation.
  const int orders[6][3] = {{0, 1, 2}, {1, 2, 0}, {2, 0, 1}, {0, 2, 1}, {2, 1, 0}, {1, 0, 2}};
  for (int p = 0; p < 6; ++p) {
    const int a = 1 << orders[p][0], b = a | (1 << orders[p][1]);
    if (p < 3)
      add({0, b, a, 7});
    else
      add({0, a, b, 7});
  }
}

// Marks each boundary face of a box mesh in the `parts` label with the id of
// the side it lies on: the side plane that holds the face's centroid. Faces
// are the points marked 1 in `boundary` before that label is completed.
void mark_box_sides(DM dm, DMLabel boundary, DMLabel parts, const BoxMeshOptions& options) {
  const std::map<std::string, int> ids = Mesh::box_boundary_parts(options.dim);
  const char* lower_names[3] = {"left", "bottom", "front"};
  const char* upper_names[3] = {"right", "top", "back"};
  Vec coordinates = nullptr;
  PetscSection coordinate_section = nullptr;
  FF_PETSC(DMGetCoordinatesLocal(dm, &coordinates));
  FF_PETSC(DMGetCoordinateSection(dm, &coordinate_section));
  linear::PetscHandle<IS, ISDestroy> faces;
  FF_PETSC(DMLabelGetStratumIS(boundary, 1, faces.out()));
  if (!faces.get()) return;  // a rank without cells (only rank 0 builds the mesh)
  PetscInt n_faces = 0;
  const PetscInt* face_points = nullptr;
  FF_PETSC(ISGetLocalSize(faces, &n_faces));
  FF_PETSC(ISGetIndices(faces, &face_points));
  for (PetscInt f = 0; f < n_faces; ++f) {
    PetscInt size = 0;
    PetscScalar* xyz = nullptr;
    FF_PETSC(DMPlexVecGetClosure(dm, coordinate_section, coordinates, face_points[f], &size, &xyz));
    const int corners = static_cast<int>(size) / options.dim;
    double centroid[3] = {0, 0, 0};
    for (int v = 0; v < corners; ++v)
      for (int a = 0; a < options.dim; ++a) centroid[a] += xyz[v * options.dim + a] / corners;
    FF_PETSC(DMPlexVecRestoreClosure(dm, coordinate_section, coordinates, face_points[f], &size, &xyz));
    int id = 0;
    for (int a = 0; a < options.dim && id == 0; ++a) {
      // Lattice coordinates are exact multiples of the spacing: a tolerance of
      // a small fraction of the box tells the side planes apart safely.
      const double tolerance = 1e-9 * (options.upper[a] - options.lower[a]);
      if (std::abs(centroid[a] - options.lower[a]) < tolerance)
        id = ids.at(lower_names[a]);
      else if (std::abs(centroid[a] - options.upper[a]) < tolerance)
        id = ids.at(upper_names[a]);
    }
    FF_REQUIRE(id > 0, RunError, "boundary face {} of the box mesh lies on no side of the box", face_points[f]);
    FF_PETSC(DMLabelSetValue(parts, face_points[f], id));
  }
  FF_PETSC(ISRestoreIndices(faces, &face_points));
}

}  // namespace

std::map<std::string, int> Mesh::box_boundary_parts(int dim) {
  std::map<std::string, int> parts{{"left", 1}, {"right", 2}, {"bottom", 3}, {"top", 4}};
  if (dim == 3) parts.insert({{"front", 5}, {"back", 6}});
  return parts;
}

Mesh Mesh::box(MPI_Comm comm, const BoxMeshOptions& options) {
  const int dim = options.dim;
  FF_REQUIRE(dim == 2 || dim == 3, InputError, "box meshes are 2D or 3D, got dim = {}", dim);
  for (int a = 0; a < dim; ++a) {
    FF_REQUIRE(options.cells[a] >= 1, InputError, "a box mesh needs at least one cell per axis, got {}",
               options.cells[a]);
    FF_REQUIRE(options.upper[a] > options.lower[a], InputError,
               "box mesh: upper corner must exceed the lower one on axis {}", a);
  }
  const CellShape shape = dim == 2 ? (options.simplex ? CellShape::triangle : CellShape::quadrilateral)
                                   : (options.simplex ? CellShape::tetrahedron : CellShape::hexahedron);
  Lattice lattice{options.cells, dim};
  if (dim == 2) lattice.cells[2] = 0;

  // Rank 0 builds the whole mesh; DMPlexDistribute then partitions it.
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::vector<PetscInt> cells;
  std::vector<PetscReal> coordinates;
  if (rank == 0) {
    for (int k = 0; k <= lattice.cells[2]; ++k)
      for (int j = 0; j <= lattice.cells[1]; ++j)
        for (int i = 0; i <= lattice.cells[0]; ++i) {
          const int index[3] = {i, j, k};
          for (int a = 0; a < dim; ++a)
            coordinates.push_back(options.lower[a] +
                                  (options.upper[a] - options.lower[a]) * index[a] / options.cells[a]);
        }
    for (int k = 0; k < std::max(lattice.cells[2], 1); ++k)
      for (int j = 0; j < lattice.cells[1]; ++j)
        for (int i = 0; i < lattice.cells[0]; ++i) box_cells(lattice, {i, j, k}, options.simplex, cells);
  }
  const int corners = shape_vertices(shape);
  const PetscInt n_cells = static_cast<PetscInt>(cells.size()) / corners;
  const PetscInt n_vertices = static_cast<PetscInt>(coordinates.size()) / dim;

  linear::PetscHandle<DM, DMDestroy> serial;
  FF_PETSC(DMPlexCreateFromCellListPetsc(comm, dim, n_cells, n_vertices, corners, PETSC_TRUE, cells.data(), dim,
                                         coordinates.data(), serial.out()));
  DMLabel boundary = nullptr;
  FF_PETSC(DMCreateLabel(serial, boundary_label));
  FF_PETSC(DMGetLabel(serial, boundary_label, &boundary));
  FF_PETSC(DMPlexMarkBoundaryFaces(serial, 1, boundary));
  DMLabel parts = nullptr;
  FF_PETSC(DMCreateLabel(serial, boundary_parts_label));
  FF_PETSC(DMGetLabel(serial, boundary_parts_label, &parts));
  mark_box_sides(serial, boundary, parts, options);
  FF_PETSC(DMPlexLabelComplete(serial, boundary));
  FF_PETSC(DMPlexLabelComplete(serial, parts));

  linear::PetscHandle<DM, DMDestroy> distributed;
  FF_PETSC(DMPlexDistribute(serial, 0, nullptr, distributed.out()));
  // On one rank DMPlexDistribute returns nothing: the serial mesh is the mesh.
  // Labels, the boundary parts among them, travel with their points.
  return Mesh(distributed.get() ? std::move(distributed) : std::move(serial), shape, box_boundary_parts(dim));
}

std::optional<int> Mesh::boundary_part(const std::string& name) const {
  const auto found = boundary_parts_.find(name);
  if (found == boundary_parts_.end()) return std::nullopt;
  return found->second;
}

MPI_Comm Mesh::comm() const { return PetscObjectComm(reinterpret_cast<PetscObject>(dm_.get())); }

long Mesh::local_cells() const {
  PetscInt begin = 0, end = 0;
  FF_PETSC(DMPlexGetHeightStratum(dm_, 0, &begin, &end));
  return end - begin;
}

long Mesh::global_cells() const {
  long local = local_cells(), total = 0;
  MPI_Allreduce(&local, &total, 1, MPI_LONG, MPI_SUM, comm());
  return total;
}

}  // namespace ff::fem
