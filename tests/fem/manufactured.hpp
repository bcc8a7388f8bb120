// The manufactured problem of the FEM verification tests:
//   u = Π_d sin(π x_d) on the unit square/cube (zero on the boundary),
//   a = 1 + x², f = −∇·(a∇u) = a d π² u − 2x ∂u/∂x,
// solved on successively refined structured meshes. The variable coefficient
// exercises the point-wise conductivity, not only the Laplacian.
#pragma once

#include "solvers/fem/norms.hpp"
#include "solvers/fem/poisson.hpp"
#include "unit_box.hpp"

#include <cmath>

namespace ff::fem::test {

inline double exact_u(const double* x, int dim) {
  double u = 1;
  for (int a = 0; a < dim; ++a) u *= std::sin(M_PI * x[a]);
  return u;
}

inline void exact_gradient(const double* x, int dim, double* g) {
  for (int a = 0; a < dim; ++a) {
    g[a] = M_PI * std::cos(M_PI * x[a]);
    for (int b = 0; b < dim; ++b)
      if (b != a) g[a] *= std::sin(M_PI * x[b]);
  }
}

struct Study {
  int dim = 2;
  bool simplex = true;
  int degree = 1;
};

struct Errors {
  ErrorNorms norms;
  long iterations = 0;
};

// The options of the manufactured solve: the assembly rule integrates the
// smooth a and f accurately too.
inline PoissonOptions manufactured_options(int degree, double rtol = 1e-10) {
  PoissonOptions options;
  options.degree = degree;
  options.quadrature_degree = 2 * degree + 2;
  options.solver.rtol = rtol;
  return options;
}

// a = 1 + x² and the f that makes u = exact_u the solution.
inline PoissonData manufactured_data(int dim) {
  PoissonData data;
  data.conductivity = [](const IntegrationPoint& p) { return 1 + p.x[0] * p.x[0]; };
  data.source = [dim](const IntegrationPoint& p) {
    double g[3];
    exact_gradient(p.x, dim, g);
    return (1 + p.x[0] * p.x[0]) * dim * M_PI * M_PI * exact_u(p.x, dim) - 2 * p.x[0] * g[0];
  };
  return data;
}

// Solves the manufactured problem with `solver` (built on any mesh of the
// unit box) and returns its errors, integrated with a rule three degrees
// above the element's squared degree (exact for the polynomial parts, so the
// quadrature does not pollute the observed orders).
inline Errors solve_manufactured(PoissonSolver& solver) {
  const int dim = solver.space().dim(), degree = solver.space().element().degree();
  solver.solve(manufactured_data(dim));
  Errors errors;
  errors.norms = error_norms(
      solver.space(), solver.solution(), [dim](const double* x) { return exact_u(x, dim); },
      [dim](const double* x, double* g) { exact_gradient(x, dim, g); }, 2 * degree + 3);
  errors.iterations = solver.result().iterations;
  return errors;
}

// The same on an n^dim box mesh over `comm`.
inline Errors solve_manufactured(MPI_Comm comm, const Study& study, int n, double rtol = 1e-10) {
  const Mesh mesh = unit_box(comm, study.dim, study.simplex, n);
  PoissonSolver solver(mesh, manufactured_options(study.degree, rtol));
  return solve_manufactured(solver);
}

}  // namespace ff::fem::test
