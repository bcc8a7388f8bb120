// The unit square or cube with n cells per axis: the mesh the FEM tests
// refine to observe convergence, and their smallest test problems.
#pragma once

#include "solvers/fem/mesh.hpp"

namespace ff::fem::test {

// Collective on `comm`.
inline Mesh unit_box(MPI_Comm comm, int dim, bool simplex, int n) {
  BoxMeshOptions options;
  options.dim = dim;
  options.simplex = simplex;
  options.cells = {n, n, n};
  return Mesh::box(comm, options);
}

}  // namespace ff::fem::test
