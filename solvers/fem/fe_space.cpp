#include "solvers/fem/fe_space.hpp"

#include "core/error.hpp"
#include "solvers/linear/petsc_check.hpp"

#include <algorithm>

namespace ff::fem {

namespace {

using linear::PetscHandle;

// Transitive closure of a point, released on scope exit.
class Closure {
 public:
  Closure(DM dm, PetscInt point) : dm_(dm), point_(point) {
    FF_PETSC(DMPlexGetTransitiveClosure(dm_, point_, PETSC_TRUE, &size_, &points_));
  }
  ~Closure() { DMPlexRestoreTransitiveClosure(dm_, point_, PETSC_TRUE, &size_, &points_); }
  Closure(const Closure&) = delete;
  Closure& operator=(const Closure&) = delete;
  PetscInt size() const { return size_; }
  PetscInt operator[](PetscInt i) const { return points_[2 * i]; }  // entries are (point, orientation) pairs

 private:
  DM dm_;
  PetscInt point_;
  PetscInt size_ = 0;
  PetscInt* points_ = nullptr;
};

std::pair<PetscInt, PetscInt> sorted_pair(PetscInt a, PetscInt b) { return a < b ? std::pair{a, b} : std::pair{b, a}; }

// The two vertices of an edge, sorted.
std::pair<PetscInt, PetscInt> edge_vertices(DM dm, PetscInt edge) {
  const PetscInt* cone = nullptr;
  FF_PETSC(DMPlexGetCone(dm, edge, &cone));
  return sorted_pair(cone[0], cone[1]);
}

// A quadrilateral's or hexahedron's vertices in tensor order (vertex k at the
// corner whose coordinate on axis d is bit d of k), found from the cell's
// edges alone, so nothing depends on DMPlex's closure order: vertex 0 is the
// first in the closure, its edge neighbours are the unit corners, and every
// other corner is the one unassigned vertex adjacent to all corners that
// differ from it in one bit.
std::vector<PetscInt> tensor_order(const std::vector<PetscInt>& vertices,
                                   const std::vector<std::pair<PetscInt, PetscInt>>& edges, int dim) {
  auto adjacent = [&](PetscInt a, PetscInt b) {
    return std::find(edges.begin(), edges.end(), sorted_pair(a, b)) != edges.end();
  };
  std::vector<PetscInt> order(vertices.size(), -1);
  order[0] = vertices[0];
  int axis = 0;
  for (PetscInt v : vertices)
    if (adjacent(order[0], v)) order[std::size_t(1) << axis++] = v;
  FF_REQUIRE(axis == dim, RunError, "a tensor cell's first vertex has {} edge neighbours, expected {}", axis, dim);
  for (std::size_t corner = 3; corner < vertices.size(); ++corner) {
    if ((corner & (corner - 1)) == 0) continue;  // a unit corner, assigned above
    for (PetscInt v : vertices) {
      if (std::find(order.begin(), order.end(), v) != order.end()) continue;
      bool fits = true;
      for (int a = 0; a < dim; ++a)
        if (((corner >> a) & 1) && !adjacent(order[corner ^ (std::size_t(1) << a)], v)) fits = false;
      if (fits) {
        order[corner] = v;
        break;
      }
    }
    FF_REQUIRE(order[corner] >= 0, RunError, "cell is not a tensor-product cell: corner {} not found", corner);
  }
  return order;
}

}  // namespace

FeSpace::FeSpace(const Mesh& mesh, int degree) : mesh_(mesh), element_(mesh.shape(), degree) {
  build_section();
  build_cells();
}

// Dofs on vertices (and edges for P2); boundary points constrained.
void FeSpace::build_section() {
  DM dm = mesh_.dm();
  PetscInt p_begin = 0, p_end = 0, v_begin = 0, v_end = 0, e_begin = 0, e_end = 0;
  FF_PETSC(DMPlexGetChart(dm, &p_begin, &p_end));
  FF_PETSC(DMPlexGetDepthStratum(dm, 0, &v_begin, &v_end));
  FF_PETSC(DMPlexGetDepthStratum(dm, 1, &e_begin, &e_end));
  auto carries_dof = [&](PetscInt p) {
    return (p >= v_begin && p < v_end) || (element_.degree() == 2 && p >= e_begin && p < e_end);
  };
  DMLabel boundary = nullptr;
  FF_PETSC(DMGetLabel(dm, Mesh::boundary_label, &boundary));
  FF_REQUIRE(boundary, RunError, "mesh has no '{}' label", Mesh::boundary_label);
  auto on_boundary = [&](PetscInt p) {
    PetscInt value = -1;
    FF_PETSC(DMLabelGetValue(boundary, p, &value));
    return value == 1;
  };

  PetscHandle<PetscSection, PetscSectionDestroy> section;
  FF_PETSC(PetscSectionCreate(mesh_.comm(), section.out()));
  FF_PETSC(PetscSectionSetChart(section, p_begin, p_end));
  for (PetscInt p = p_begin; p < p_end; ++p) {
    if (!carries_dof(p)) continue;
    FF_PETSC(PetscSectionSetDof(section, p, 1));
    if (on_boundary(p)) FF_PETSC(PetscSectionSetConstraintDof(section, p, 1));
  }
  FF_PETSC(PetscSectionSetUp(section));
  const PetscInt first = 0;
  for (PetscInt p = p_begin; p < p_end; ++p)
    if (carries_dof(p) && on_boundary(p)) FF_PETSC(PetscSectionSetConstraintIndices(section, p, &first));
  FF_PETSC(DMSetLocalSection(dm, section));

  PetscSection global = nullptr;
  PetscInt storage = 0;
  FF_PETSC(DMGetGlobalSection(dm, &global));
  FF_PETSC(PetscSectionGetStorageSize(section, &storage));
  local_size_ = storage;
  global_of_local_.assign(local_size_, -1);
  constrained_.assign(local_size_, 0);
  dof_coordinates_.assign(local_size_ * dim(), 0.0);

  Vec coordinates = nullptr;
  PetscSection coordinate_section = nullptr;
  FF_PETSC(DMGetCoordinatesLocal(dm, &coordinates));
  FF_PETSC(DMGetCoordinateSection(dm, &coordinate_section));
  const PetscScalar* xyz = nullptr;
  FF_PETSC(VecGetArrayRead(coordinates, &xyz));
  auto vertex_xyz = [&](PetscInt v) {
    PetscInt offset = 0;
    FF_PETSC(PetscSectionGetOffset(coordinate_section, v, &offset));
    return xyz + offset;
  };
  for (PetscInt p = p_begin; p < p_end; ++p) {
    if (!carries_dof(p)) continue;
    PetscInt local = 0, global_offset = 0;
    FF_PETSC(PetscSectionGetOffset(section, p, &local));
    FF_PETSC(PetscSectionGetOffset(global, p, &global_offset));
    constrained_[local] = on_boundary(p);
    // Dofs owned by another rank have their global offset stored as -(offset+1).
    if (!constrained_[local]) global_of_local_[local] = global_offset >= 0 ? global_offset : -(global_offset + 1);
    double* node = &dof_coordinates_[local * dim()];
    if (p < v_end && p >= v_begin) {
      std::copy(vertex_xyz(p), vertex_xyz(p) + dim(), node);
    } else {
      const auto [a, b] = edge_vertices(dm, p);
      for (int d = 0; d < dim(); ++d) node[d] = 0.5 * (vertex_xyz(a)[d] + vertex_xyz(b)[d]);
    }
  }
  FF_PETSC(VecRestoreArrayRead(coordinates, &xyz));
}

// Per cell: the vertices in the element's order, and the dofs in basis order.
void FeSpace::build_cells() {
  DM dm = mesh_.dm();
  PetscSection section = nullptr;
  FF_PETSC(DMGetLocalSection(dm, &section));
  PetscInt c_begin = 0, c_end = 0, v_begin = 0, v_end = 0, e_begin = 0, e_end = 0;
  FF_PETSC(DMPlexGetHeightStratum(dm, 0, &c_begin, &c_end));
  FF_PETSC(DMPlexGetDepthStratum(dm, 0, &v_begin, &v_end));
  FF_PETSC(DMPlexGetDepthStratum(dm, 1, &e_begin, &e_end));
  cells_ = c_end - c_begin;
  const int nv = element_.vertices(), nb = element_.size(), d = dim();
  local_dofs_.resize(cells_ * nb);
  global_dofs_.resize(cells_ * nb);
  vertex_coordinates_.resize(cells_ * nv * d);

  Vec coordinates = nullptr;
  PetscSection coordinate_section = nullptr;
  FF_PETSC(DMGetCoordinatesLocal(dm, &coordinates));
  FF_PETSC(DMGetCoordinateSection(dm, &coordinate_section));
  const PetscScalar* xyz = nullptr;
  FF_PETSC(VecGetArrayRead(coordinates, &xyz));

  std::vector<PetscInt> vertices, edges;
  std::vector<std::pair<PetscInt, PetscInt>> edge_ends;
  for (PetscInt c = c_begin; c < c_end; ++c) {
    vertices.clear();
    edges.clear();
    edge_ends.clear();
    {
      Closure closure(dm, c);
      for (PetscInt i = 0; i < closure.size(); ++i) {
        const PetscInt p = closure[i];
        if (p >= v_begin && p < v_end) vertices.push_back(p);
        if (p >= e_begin && p < e_end) {
          edges.push_back(p);
          edge_ends.push_back(edge_vertices(dm, p));
        }
      }
    }
    FF_REQUIRE(static_cast<int>(vertices.size()) == nv, RunError, "cell {} has {} vertices, a {} has {}", c,
               vertices.size(), shape_name(element_.shape()), nv);
    if (!is_simplex(element_.shape())) vertices = tensor_order(vertices, edge_ends, d);

    const long cell = c - c_begin;
    auto set_dof = [&](int basis, PetscInt point) {
      PetscInt offset = 0;
      FF_PETSC(PetscSectionGetOffset(section, point, &offset));
      local_dofs_[cell * nb + basis] = offset;
      global_dofs_[cell * nb + basis] = global_of_local_[offset];
    };
    for (int k = 0; k < nv; ++k) {
      set_dof(k, vertices[k]);
      PetscInt offset = 0;
      FF_PETSC(PetscSectionGetOffset(coordinate_section, vertices[k], &offset));
      std::copy(xyz + offset, xyz + offset + d, &vertex_coordinates_[(cell * nv + k) * d]);
    }
    for (std::size_t e = 0; e < element_.edges().size(); ++e) {
      const auto [i, j] = element_.edges()[e];
      const auto wanted = sorted_pair(vertices[i], vertices[j]);
      const auto found = std::find(edge_ends.begin(), edge_ends.end(), wanted);
      FF_REQUIRE(found != edge_ends.end(), RunError, "cell {} lacks the edge between its vertices {} and {}", c, i, j);
      set_dof(nv + static_cast<int>(e), edges[found - edge_ends.begin()]);
    }
  }
  FF_PETSC(VecRestoreArrayRead(coordinates, &xyz));
}

long FeSpace::global_size() const {
  PetscSection global = nullptr;
  PetscInt size = 0;
  FF_PETSC(DMGetGlobalSection(mesh_.dm(), &global));
  FF_PETSC(PetscSectionGetConstrainedStorageSize(global, &size));
  long local = size, total = 0;
  MPI_Allreduce(&local, &total, 1, MPI_LONG, MPI_SUM, mesh_.comm());
  return total;
}

PetscHandle<Mat, MatDestroy> FeSpace::create_matrix() const {
  PetscHandle<Mat, MatDestroy> matrix;
  FF_PETSC(DMCreateMatrix(mesh_.dm(), matrix.out()));
  FF_PETSC(MatSetOption(matrix, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  return matrix;
}

PetscHandle<Vec, VecDestroy> FeSpace::create_vector() const {
  PetscHandle<Vec, VecDestroy> vector;
  FF_PETSC(DMCreateGlobalVector(mesh_.dm(), vector.out()));
  // Assembly adds cell vectors whose constrained entries have index -1.
  FF_PETSC(VecSetOption(vector, VEC_IGNORE_NEGATIVE_INDICES, PETSC_TRUE));
  return vector;
}

std::vector<double> FeSpace::to_local(Vec global, const std::vector<double>& boundary) const {
  FF_REQUIRE(static_cast<long>(boundary.size()) == local_size_, RunError,
             "boundary values: expected {} local values, got {}", local_size_, boundary.size());
  DM dm = mesh_.dm();
  Vec local = nullptr;
  FF_PETSC(DMGetLocalVector(dm, &local));
  FF_PETSC(DMGlobalToLocalBegin(dm, global, INSERT_VALUES, local));
  FF_PETSC(DMGlobalToLocalEnd(dm, global, INSERT_VALUES, local));
  const PetscScalar* values = nullptr;
  FF_PETSC(VecGetArrayRead(local, &values));
  std::vector<double> out(values, values + local_size_);
  FF_PETSC(VecRestoreArrayRead(local, &values));
  FF_PETSC(DMRestoreLocalVector(dm, &local));
  for (long i = 0; i < local_size_; ++i)
    if (constrained_[i]) out[i] = boundary[i];
  return out;
}

}  // namespace ff::fem
