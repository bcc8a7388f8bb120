// Darcy flow on the unit square as in the FNO data protocol:
//   −∇·(a∇u) = f in (0,1)², u = 0 on the boundary,
// with the coefficient a given at the n × n nodes of a uniform grid and u
// returned at the same nodes. The mesh's vertices are the grid's nodes (P1
// on triangles, or Q1 on squares), a enters as its P1/Q1 interpolant. One
// solver serves many coefficients: mesh, space, matrix pattern and KSP are
// built once. Each instance is serial (PETSC_COMM_SELF): dataset stages
// spread samples, not meshes, over MPI ranks.
//
// Grid arrays are [n, n] row-major, axis 0 along x: value (i, j) sits at
// (x, y) = (i, j) / (n − 1). This header is free of PETSc.
#pragma once

#include "solvers/linear/krylov_options.hpp"

#include <memory>

namespace ff::fem {

struct DarcyOptions {
  int n = 421;          // nodes per axis
  bool simplex = true;  // P1 on triangles (each grid square cut in two), else Q1 on squares
  double source = 1.0;  // f
  linear::KrylovOptions solver;
};

class DarcySolver {
 public:
  explicit DarcySolver(const DarcyOptions& options);
  ~DarcySolver();
  DarcySolver(const DarcySolver&) = delete;
  DarcySolver& operator=(const DarcySolver&) = delete;

  // u [n*n] from a [n*n]; RunError if a is not positive everywhere or the
  // Krylov solve fails.
  linear::KrylovResult solve(const double* a, double* u);

  const DarcyOptions& options() const { return options_; }

 private:
  struct Impl;
  DarcyOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ff::fem
