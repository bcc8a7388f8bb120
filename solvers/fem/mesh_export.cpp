#include "solvers/fem/mesh_export.hpp"

#include "core/error.hpp"

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ff::fem {

namespace {

template <class T>
MPI_Datatype mpi_type();
template <>
MPI_Datatype mpi_type<double>() {
  return MPI_DOUBLE;
}
template <>
MPI_Datatype mpi_type<long>() {
  return MPI_LONG;
}

// Every rank's `local` concatenated in rank order on rank 0, with the number
// of entries each rank sent in `counts` (both empty on the other ranks).
template <class T>
std::vector<T> gather_on_root(MPI_Comm comm, const std::vector<T>& local, std::vector<int>& counts) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const int count = static_cast<int>(local.size());
  counts.assign(rank == 0 ? size : 0, 0);
  MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, comm);
  std::vector<int> displacements(counts.size(), 0);
  if (!counts.empty()) std::partial_sum(counts.begin(), counts.end() - 1, displacements.begin() + 1);
  std::vector<T> all(rank == 0 ? std::accumulate(counts.begin(), counts.end(), 0L) : 0);
  MPI_Gatherv(local.data(), count, mpi_type<T>(), all.data(), counts.data(), displacements.data(), mpi_type<T>(), 0,
              comm);
  return all;
}

// The nodes of a space on rank 0: every rank's local nodes (a local node is
// the location of `components` consecutive local dofs), in rank order, mapped
// to the sorted distinct node coordinates. A node shared by ranks has bitwise
// equal coordinates on each (vertices are copied on distribution, edge
// midpoints computed by the same sum), so exact comparison merges them.
struct NodeNumbering {
  std::vector<double> nodes;        // [n_nodes * dim], sorted
  std::vector<long> node_of_local;  // per gathered local node
  std::vector<long> first_local;    // per rank: its first local node in the gathered order
};

NodeNumbering number_nodes(const FeSpace& space) {
  const int dim = space.dim();
  std::vector<double> local;
  for (long dof = 0; dof < space.local_size(); dof += space.components())
    local.insert(local.end(), space.dof_coordinates(dof), space.dof_coordinates(dof) + dim);
  std::vector<int> counts;
  const std::vector<double> coordinates = gather_on_root(space.mesh().comm(), local, counts);

  NodeNumbering numbering;
  numbering.first_local.assign(counts.size(), 0);
  for (std::size_t r = 1; r < counts.size(); ++r)
    numbering.first_local[r] = numbering.first_local[r - 1] + counts[r - 1] / dim;
  const long n_local = static_cast<long>(coordinates.size()) / dim;
  auto point = [&](long node) { return &coordinates[node * dim]; };
  auto less = [&](long a, long b) {
    return std::lexicographical_compare(point(a), point(a) + dim, point(b), point(b) + dim);
  };
  std::vector<long> order(n_local);
  std::iota(order.begin(), order.end(), 0L);
  std::sort(order.begin(), order.end(), less);

  numbering.node_of_local.assign(n_local, -1);
  long n_nodes = 0;
  for (long k = 0; k < n_local; ++k) {
    const long local_node = order[k];
    if (k == 0 || less(order[k - 1], local_node)) {
      numbering.nodes.insert(numbering.nodes.end(), point(local_node), point(local_node) + dim);
      ++n_nodes;
    }
    numbering.node_of_local[local_node] = n_nodes - 1;
  }
  return numbering;
}

// Position in the element's vertex order of each corner in VTK/XDMF order.
// Simplices keep their order; tensor cells number corners by coordinate bits,
// VTK goes around each face.
std::vector<int> vtk_corner_order(CellShape shape) {
  switch (shape) {
    case CellShape::quadrilateral:
      return {0, 1, 3, 2};
    case CellShape::hexahedron:
      return {0, 1, 3, 2, 4, 5, 7, 6};
    case CellShape::triangle:
      return {0, 1, 2};
    case CellShape::tetrahedron:
      return {0, 1, 2, 3};
  }
  return {};
}

}  // namespace

MeshInfo gather_mesh(const FeSpace& space) {
  const NodeNumbering numbering = number_nodes(space);
  const std::vector<int> corners = vtk_corner_order(space.element().shape());
  const int per_cell = static_cast<int>(corners.size());

  // Cells by local node; rank 0 shifts each rank's block to the gathered nodes.
  const int components = space.components();
  std::vector<long> local_cells;
  local_cells.reserve(space.cells() * per_cell);
  for (long c = 0; c < space.cells(); ++c)
    for (int corner : corners) local_cells.push_back(space.local_dofs(c)[corner * components] / components);
  std::vector<int> counts;
  const std::vector<long> cells = gather_on_root(space.mesh().comm(), local_cells, counts);

  MeshInfo mesh;
  mesh.dim = space.dim();
  mesh.nodes_per_cell = per_cell;
  mesh.cell_type = shape_name(space.element().shape());
  if (counts.empty()) return mesh;  // not rank 0

  std::vector<std::vector<long>> sorted;
  sorted.reserve(cells.size() / per_cell);
  std::size_t next = 0;
  for (std::size_t r = 0; r < counts.size(); ++r)
    for (int k = 0; k < counts[r] / per_cell; ++k) {
      std::vector<long> cell(per_cell);
      for (int v = 0; v < per_cell; ++v) cell[v] = numbering.node_of_local[numbering.first_local[r] + cells[next++]];
      sorted.push_back(std::move(cell));
    }
  std::sort(sorted.begin(), sorted.end());
  mesh.nodes = numbering.nodes;
  for (const auto& cell : sorted) mesh.cells.insert(mesh.cells.end(), cell.begin(), cell.end());
  return mesh;
}

std::vector<double> gather_nodal_field(const FeSpace& space, const std::vector<double>& local_values) {
  FF_REQUIRE(static_cast<long>(local_values.size()) == space.local_size(), RunError,
             "nodal field: expected {} values (one per local dof), got {}", space.local_size(), local_values.size());
  const NodeNumbering numbering = number_nodes(space);
  std::vector<int> counts;
  const std::vector<double> values = gather_on_root(space.mesh().comm(), local_values, counts);
  // A node shared by ranks gets the same value from each: the last one wins.
  const int components = space.components();
  const std::size_t n_nodes = numbering.nodes.size() / space.dim();
  std::vector<double> field(n_nodes * components);
  for (std::size_t dof = 0; dof < values.size(); ++dof)
    field[(dof % components) * n_nodes + numbering.node_of_local[dof / components]] = values[dof];
  return field;
}

void node_bounding_box(const FeSpace& space, double* lower, double* upper) {
  const int dim = space.dim();
  for (int a = 0; a < dim; ++a) lower[a] = HUGE_VAL, upper[a] = -HUGE_VAL;
  for (long dof = 0; dof < space.local_size(); ++dof)
    for (int a = 0; a < dim; ++a) {
      lower[a] = std::min(lower[a], space.dof_coordinates(dof)[a]);
      upper[a] = std::max(upper[a], space.dof_coordinates(dof)[a]);
    }
  MPI_Allreduce(MPI_IN_PLACE, lower, dim, MPI_DOUBLE, MPI_MIN, space.mesh().comm());
  MPI_Allreduce(MPI_IN_PLACE, upper, dim, MPI_DOUBLE, MPI_MAX, space.mesh().comm());
}

}  // namespace ff::fem
