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

FeSpace::FeSpace(const Mesh& mesh, int degree) : FeSpace(mesh, FeSpaceOptions{degree, 1, std::nullopt}) {}

FeSpace::FeSpace(const Mesh& mesh, const FeSpaceOptions& options)
    : mesh_(mesh), element_(mesh.shape(), options.degree), components_(options.components) {
  FF_REQUIRE(components_ >= 1 && components_ <= 3, InputError, "a space has 1 to 3 components, got {}", components_);
  // The clone shares the mesh's topology, coordinates and point SF, and
  // copies its labels; the section set on it below is this space's alone.
  FF_PETSC(DMClone(mesh.dm(), dm_.out()));
  build_section(options.dirichlet);
  build_cells();
}

bool FeSpace::carries_dofs(PetscInt point) const {
  PetscInt begin = 0, end = 0;
  FF_PETSC(DMPlexGetDepthStratum(dm_.get(), 0, &begin, &end));
  if (point >= begin && point < end) return true;
  if (element_.degree() != 2) return false;
  FF_PETSC(DMPlexGetDepthStratum(dm_.get(), 1, &begin, &end));
  return point >= begin && point < end;
}

std::vector<PetscInt> FeSpace::part_points(const std::string& part) const {
  const std::optional<int> id = mesh_.boundary_part(part);
  if (!id) {
    std::string known;
    for (const auto& [name, value] : mesh_.boundary_parts()) known += (known.empty() ? "" : ", ") + name;
    throw InputError(fmt::format("unknown boundary part '{}'; {}", part,
                                 known.empty() ? "this mesh names no boundary parts" : "the mesh has: " + known));
  }
  // The label may mark faces only; the closure adds their edges and vertices.
  std::vector<PetscInt> points;
  PetscHandle<IS, ISDestroy> faces;
  FF_PETSC(DMGetStratumIS(dm_.get(), Mesh::boundary_parts_label, *id, faces.out()));
  if (!faces.get()) return points;  // no point of the part on this rank
  PetscInt n = 0;
  const PetscInt* marked = nullptr;
  FF_PETSC(ISGetLocalSize(faces, &n));
  FF_PETSC(ISGetIndices(faces, &marked));
  for (PetscInt k = 0; k < n; ++k) {
    Closure closure(dm_.get(), marked[k]);
    for (PetscInt i = 0; i < closure.size(); ++i)
      if (carries_dofs(closure[i])) points.push_back(closure[i]);
  }
  FF_PETSC(ISRestoreIndices(faces, &marked));
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  return points;
}

std::vector<long> FeSpace::part_dofs(const std::string& part, int component) const {
  FF_REQUIRE(component >= -1 && component < components_, InputError, "component {} of a {}-component space", component,
             components_);
  PetscSection section = nullptr;
  FF_PETSC(DMGetLocalSection(dm_.get(), &section));
  std::vector<long> dofs;
  for (PetscInt p : part_points(part)) {
    PetscInt offset = 0;
    FF_PETSC(PetscSectionGetOffset(section, p, &offset));
    for (int c = 0; c < components_; ++c)
      if (component < 0 || c == component) dofs.push_back(offset + c);
  }
  return dofs;
}

// Dofs on vertices (and edges for P2), `components_` per point; the
// constrained ones are marked per point as a bit mask of components.
void FeSpace::build_section(const std::optional<std::vector<DirichletPart>>& dirichlet) {
  DM dm = dm_.get();
  PetscInt p_begin = 0, p_end = 0, v_begin = 0, v_end = 0;
  FF_PETSC(DMPlexGetChart(dm, &p_begin, &p_end));
  FF_PETSC(DMPlexGetDepthStratum(dm, 0, &v_begin, &v_end));
  const unsigned all = (1u << components_) - 1;
  std::vector<unsigned> mask(p_end - p_begin, 0);  // constrained components per point
  if (!dirichlet) {
    DMLabel boundary = nullptr;
    FF_PETSC(DMGetLabel(dm, Mesh::boundary_label, &boundary));
    FF_REQUIRE(boundary, RunError, "mesh has no '{}' label", Mesh::boundary_label);
    for (PetscInt p = p_begin; p < p_end; ++p) {
      PetscInt value = -1;
      FF_PETSC(DMLabelGetValue(boundary, p, &value));
      if (value == 1 && carries_dofs(p)) mask[p - p_begin] = all;
    }
  } else {
    for (const DirichletPart& condition : *dirichlet) {
      FF_REQUIRE(condition.component >= -1 && condition.component < components_, InputError,
                 "Dirichlet condition on '{}': component {} of a {}-component space", condition.part,
                 condition.component, components_);
      const unsigned bits = condition.component < 0 ? all : 1u << condition.component;
      for (PetscInt p : part_points(condition.part)) mask[p - p_begin] |= bits;
    }
  }

  int whole = std::all_of(mask.begin(), mask.end(), [&](unsigned bits) { return bits == 0 || bits == all; });
  MPI_Allreduce(MPI_IN_PLACE, &whole, 1, MPI_INT, MPI_LAND, mesh_.comm());
  node_blocks_ = whole != 0;

  PetscHandle<PetscSection, PetscSectionDestroy> section;
  FF_PETSC(PetscSectionCreate(mesh_.comm(), section.out()));
  FF_PETSC(PetscSectionSetChart(section, p_begin, p_end));
  auto constrained_components = [&](PetscInt p) {
    std::vector<PetscInt> indices;
    for (int c = 0; c < components_; ++c)
      if (mask[p - p_begin] >> c & 1u) indices.push_back(c);
    return indices;
  };
  for (PetscInt p = p_begin; p < p_end; ++p) {
    if (!carries_dofs(p)) continue;
    FF_PETSC(PetscSectionSetDof(section, p, components_));
    if (mask[p - p_begin])
      FF_PETSC(PetscSectionSetConstraintDof(section, p, static_cast<PetscInt>(constrained_components(p).size())));
  }
  FF_PETSC(PetscSectionSetUp(section));
  for (PetscInt p = p_begin; p < p_end; ++p)
    if (mask[p - p_begin]) FF_PETSC(PetscSectionSetConstraintIndices(section, p, constrained_components(p).data()));
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
    if (!carries_dofs(p)) continue;
    PetscInt local = 0, global_offset = 0;
    FF_PETSC(PetscSectionGetOffset(section, p, &local));
    FF_PETSC(PetscSectionGetOffset(global, p, &global_offset));
    // Dofs owned by another rank have their global offset stored as -(offset+1).
    PetscInt next_global = global_offset >= 0 ? global_offset : -(global_offset + 1);
    double node[3] = {0, 0, 0};
    if (p < v_end && p >= v_begin) {
      std::copy(vertex_xyz(p), vertex_xyz(p) + dim(), node);
    } else {
      const auto [a, b] = edge_vertices(dm, p);
      for (int d = 0; d < dim(); ++d) node[d] = 0.5 * (vertex_xyz(a)[d] + vertex_xyz(b)[d]);
    }
    // The global vector holds a point's unconstrained components only, in order.
    for (int c = 0; c < components_; ++c) {
      const long dof = local + c;
      constrained_[dof] = mask[p - p_begin] >> c & 1u;
      if (!constrained_[dof]) global_of_local_[dof] = next_global++;
      std::copy(node, node + dim(), &dof_coordinates_[dof * dim()]);
    }
  }
  FF_PETSC(VecRestoreArrayRead(coordinates, &xyz));
}

// Per cell: the vertices in the element's order, and the dofs in basis order.
void FeSpace::build_cells() {
  DM dm = dm_.get();
  PetscSection section = nullptr;
  FF_PETSC(DMGetLocalSection(dm, &section));
  PetscInt c_begin = 0, c_end = 0, v_begin = 0, v_end = 0, e_begin = 0, e_end = 0;
  FF_PETSC(DMPlexGetHeightStratum(dm, 0, &c_begin, &c_end));
  FF_PETSC(DMPlexGetDepthStratum(dm, 0, &v_begin, &v_end));
  FF_PETSC(DMPlexGetDepthStratum(dm, 1, &e_begin, &e_end));
  cells_ = c_end - c_begin;
  const int nv = element_.vertices(), nb = element_.size(), d = dim();
  local_dofs_.resize(cells_ * cell_dofs());
  global_dofs_.resize(cells_ * cell_dofs());
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
      for (int c = 0; c < components_; ++c) {
        const long entry = (cell * nb + basis) * components_ + c;
        local_dofs_[entry] = offset + c;
        global_dofs_[entry] = global_of_local_[offset + c];
      }
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
  FF_PETSC(DMGetGlobalSection(dm_.get(), &global));
  FF_PETSC(PetscSectionGetConstrainedStorageSize(global, &size));
  long local = size, total = 0;
  MPI_Allreduce(&local, &total, 1, MPI_LONG, MPI_SUM, mesh_.comm());
  return total;
}

PetscHandle<Mat, MatDestroy> FeSpace::create_matrix() const {
  // The pattern is the union of the cells' dof couplings. A MATPREALLOCATOR
  // collects it, rows owned by other ranks included, from the cell dof lists
  // we already hold: DMCreateMatrix derives the same pattern from mesh
  // closures, which took minutes on a 100^3 tetrahedral mesh.
  const MPI_Comm comm = mesh_.comm();
  PetscInt rows = 0;
  FF_PETSC(VecGetLocalSize(create_vector(), &rows));
  const auto create = [&](MatType type) {
    PetscHandle<Mat, MatDestroy> matrix;
    FF_PETSC(MatCreate(comm, matrix.out()));
    FF_PETSC(MatSetType(matrix, type));
    FF_PETSC(MatSetSizes(matrix, rows, rows, PETSC_DETERMINE, PETSC_DETERMINE));
    if (components_ > 1 && node_blocks_) FF_PETSC(MatSetBlockSize(matrix, components_));
    return matrix;
  };
  auto pattern = create(MATPREALLOCATOR);
  FF_PETSC(MatSetUp(pattern));
  const int n = cell_dofs();
  const std::vector<PetscScalar> zeros(static_cast<std::size_t>(n) * n, 0.0);
  for (long cell = 0; cell < cells_; ++cell)  // constrained dofs are -1: skipped
    FF_PETSC(MatSetValues(pattern, n, global_dofs(cell), n, global_dofs(cell), zeros.data(), INSERT_VALUES));
  FF_PETSC(MatAssemblyBegin(pattern, MAT_FINAL_ASSEMBLY));
  FF_PETSC(MatAssemblyEnd(pattern, MAT_FINAL_ASSEMBLY));

  auto matrix = create(MATAIJ);
  FF_PETSC(MatPreallocatorPreallocate(pattern, PETSC_TRUE, matrix));
  FF_PETSC(MatSetOption(matrix, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  return matrix;
}

PetscHandle<Vec, VecDestroy> FeSpace::create_vector() const {
  PetscHandle<Vec, VecDestroy> vector;
  FF_PETSC(DMCreateGlobalVector(dm_.get(), vector.out()));
  // Assembly adds cell vectors whose constrained entries have index -1.
  FF_PETSC(VecSetOption(vector, VEC_IGNORE_NEGATIVE_INDICES, PETSC_TRUE));
  return vector;
}

std::vector<double> FeSpace::to_local(Vec global, const std::vector<double>& boundary) const {
  FF_REQUIRE(static_cast<long>(boundary.size()) == local_size_, RunError,
             "boundary values: expected {} local values, got {}", local_size_, boundary.size());
  DM dm = dm_.get();
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
