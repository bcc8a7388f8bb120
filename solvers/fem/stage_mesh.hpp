// The run-time side of solvers/fem/stage_inputs.hpp: building a stage's mesh
// from its keys, and preparing a mesh dataset (solvers/fem/mesh_export.hpp
// gathers on rank 0, while the dataset writer wants the same layout on every
// rank).
#pragma once

#include "io/dataset_writer.hpp"
#include "solvers/fem/mesh.hpp"
#include "solvers/fem/stage_inputs.hpp"

#include <mpi.h>

#include <vector>

namespace ff::fem {

// Collective: the Gmsh file of `keys`, or its box.
Mesh open_mesh(const MeshKeys& keys, MPI_Comm comm);

// Collective: rank 0's `values` on every rank.
template <class T>
void broadcast_from_root(std::vector<T>& values, MPI_Datatype type, MPI_Comm comm) {
  unsigned long size = values.size();
  MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG, 0, comm);
  values.resize(size);
  MPI_Bcast(values.data(), static_cast<int>(size), type, 0, comm);
}

// Collective: rank 0's mesh sizes on every rank. Creating the datasets needs
// the same shapes everywhere, though only rank 0 writes the mesh, so the
// other ranks get storage of the right size and no values.
void share_mesh_shape(MeshInfo& mesh, MPI_Comm comm);

// Collective: the extent per axis of rank 0's gathered nodes, on every rank.
std::vector<double> gathered_extent(const MeshInfo& mesh, MPI_Comm comm);

// upper - lower on each of the box's axes.
std::vector<double> box_extent(const BoxMeshOptions& box);

// The grid of a dataset of nodal fields on `mesh` (its shape shared):
// kind "mesh", one axis of n_nodes points, with `extent`.
GridInfo mesh_grid(const MeshInfo& mesh, std::vector<double> extent);

}  // namespace ff::fem
