// The manufactured problem of the nonlinear diffusion tests:
//   u = Π_d sin(π x_d) + Σ_d x_d / 2 on the unit square/cube, so u = Σ x_d / 2
//   on the boundary (non-zero and varying, which exercises the boundary
//   values inside the iterate), and f = −∇·(k(u)∇u) = −k(u) Δu − k'(u) |∇u|²
//   with Δu = −d π² Π_d sin(π x_d).
// u ranges over [0, 1 + d/2], so with β = 1 the conductivity varies by a
// factor of about 4 (quadratic) or 7 (exponential): a clearly nonlinear
// problem that Newton still solves from u = 0 without damping.
#pragma once

#include "manufactured.hpp"
#include "solvers/fem/nonlinear_poisson.hpp"
#include "unit_box.hpp"

#include <cmath>

namespace ff::fem::test {

inline double nonlinear_exact_u(const double* x, int dim) {
  double u = exact_u(x, dim);
  for (int a = 0; a < dim; ++a) u += 0.5 * x[a];
  return u;
}

inline void nonlinear_exact_gradient(const double* x, int dim, double* g) {
  exact_gradient(x, dim, g);
  for (int a = 0; a < dim; ++a) g[a] += 0.5;
}

inline NonlinearPoissonData nonlinear_manufactured_data(const Conductivity& k, int dim) {
  NonlinearPoissonData data;
  data.source = [k, dim](const IntegrationPoint& p) {
    const double u = nonlinear_exact_u(p.x, dim);
    double g[3], grad_squared = 0;
    nonlinear_exact_gradient(p.x, dim, g);
    for (int a = 0; a < dim; ++a) grad_squared += g[a] * g[a];
    return k.value(u) * dim * M_PI * M_PI * exact_u(p.x, dim) - k.derivative(u) * grad_squared;
  };
  data.boundary = [dim](const double* x) { return nonlinear_exact_u(x, dim); };
  return data;
}

struct NonlinearStudy {
  int dim = 2;
  bool simplex = true;
  int degree = 1;
  Conductivity conductivity;
};

inline Mesh study_mesh(MPI_Comm comm, const NonlinearStudy& study, int n) {
  return unit_box(comm, study.dim, study.simplex, n);
}

inline NonlinearPoissonOptions study_options(const NonlinearStudy& study) {
  NonlinearPoissonOptions options;
  options.degree = study.degree;
  // The exponential law and the trigonometric source are not polynomials:
  // two degrees above the default keep the quadrature error below the
  // discretisation error in the observed orders.
  options.quadrature_degree = 4 * study.degree;
  options.conductivity = study.conductivity;
  return options;
}

struct NonlinearErrors {
  ErrorNorms norms;
  linear::NewtonResult newton;
};

// Solves the manufactured problem on an n^dim box mesh over `comm`.
inline NonlinearErrors solve_nonlinear_manufactured(MPI_Comm comm, const NonlinearStudy& study, int n) {
  const Mesh mesh = study_mesh(comm, study, n);
  NonlinearPoissonSolver solver(mesh, study_options(study));
  solver.solve(nonlinear_manufactured_data(study.conductivity, study.dim));
  const int dim = study.dim;
  NonlinearErrors errors;
  errors.norms = error_norms(
      solver.space(), solver.solution(), [dim](const double* x) { return nonlinear_exact_u(x, dim); },
      [dim](const double* x, double* g) { nonlinear_exact_gradient(x, dim, g); }, 2 * study.degree + 3);
  errors.newton = solver.result();
  return errors;
}

}  // namespace ff::fem::test
