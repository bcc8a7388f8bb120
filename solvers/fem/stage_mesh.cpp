#include "solvers/fem/stage_mesh.hpp"

#include <algorithm>
#include <cmath>

namespace ff::fem {

Mesh open_mesh(const MeshKeys& keys, MPI_Comm comm) {
  if (!keys.file.empty()) return Mesh::from_gmsh(comm, keys.file);
  return Mesh::box(comm, keys.box);
}

void share_mesh_shape(MeshInfo& mesh, MPI_Comm comm) {
  long sizes[2] = {static_cast<long>(mesh.nodes.size()), static_cast<long>(mesh.cells.size())};
  MPI_Bcast(sizes, 2, MPI_LONG, 0, comm);
  mesh.nodes.resize(sizes[0]);
  mesh.cells.resize(sizes[1]);
}

std::vector<double> gathered_extent(const MeshInfo& mesh, MPI_Comm comm) {
  std::vector<double> extent(mesh.dim, 0.0);
  const std::size_t n_nodes = mesh.nodes.size() / mesh.dim;
  for (int a = 0; a < mesh.dim && n_nodes > 0; ++a) {
    double lower = HUGE_VAL, upper = -HUGE_VAL;
    for (std::size_t k = 0; k < n_nodes; ++k) {
      lower = std::min(lower, mesh.nodes[k * mesh.dim + a]);
      upper = std::max(upper, mesh.nodes[k * mesh.dim + a]);
    }
    extent[a] = upper - lower;
  }
  MPI_Bcast(extent.data(), mesh.dim, MPI_DOUBLE, 0, comm);
  return extent;
}

std::vector<double> box_extent(const BoxMeshOptions& box) {
  std::vector<double> extent;
  for (int a = 0; a < box.dim; ++a) extent.push_back(box.upper[a] - box.lower[a]);
  return extent;
}

GridInfo mesh_grid(const MeshInfo& mesh, std::vector<double> extent) {
  GridInfo grid;
  grid.kind = "mesh";
  grid.shape = {static_cast<long>(mesh.nodes.size() / mesh.dim)};
  grid.extent = std::move(extent);
  return grid;
}

}  // namespace ff::fem
