// The shape of a box mesh, apart from Mesh (solvers/fem/mesh.hpp) and free of
// PETSc, so stage headers can hold one.
#pragma once

#include <array>

namespace ff::fem {

struct BoxMeshOptions {
  int dim = 2;
  std::array<int, 3> cells{8, 8, 8};  // cells per axis (the first `dim` are used)
  bool simplex = true;                // triangles/tetrahedra, else quadrilaterals/hexahedra
  std::array<double, 3> lower{0, 0, 0};
  std::array<double, 3> upper{1, 1, 1};
};

}  // namespace ff::fem
