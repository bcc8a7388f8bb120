// The manufactured elasticity problem of the FEM verification tests, on the
// unit square (plane strain):
//   u_x = sin πx sin πy + x/10,  u_y = cos πx sin 2πy,
// f = −∇·σ(u) = −(λ + μ) ∇(∇·u) − μ Δu; u given on the left, bottom and
// top sides, the traction σ(u)n on the right one.
#pragma once

#include "solvers/fem/elasticity.hpp"
#include "solvers/fem/norms.hpp"

#include <cmath>

namespace ff::fem::test {

inline void manufactured_u(const double* x, double* u) {
  const double px = M_PI * x[0], py = M_PI * x[1];
  u[0] = std::sin(px) * std::sin(py) + 0.1 * x[0];
  u[1] = std::cos(px) * std::sin(2 * py);
}

inline void manufactured_gradient(const double* x, double* g) {
  const double px = M_PI * x[0], py = M_PI * x[1];
  g[0] = M_PI * std::cos(px) * std::sin(py) + 0.1;  // ∂u_x/∂x
  g[1] = M_PI * std::sin(px) * std::cos(py);        // ∂u_x/∂y
  g[2] = -M_PI * std::sin(px) * std::sin(2 * py);   // ∂u_y/∂x
  g[3] = 2 * M_PI * std::cos(px) * std::cos(2 * py);
}

inline void manufactured_force(const LameParameters& m, const double* x, double* f) {
  const double px = M_PI * x[0], py = M_PI * x[1], pi2 = M_PI * M_PI;
  const double grad_div[2] = {-pi2 * std::sin(px) * std::sin(py) - 2 * pi2 * std::sin(px) * std::cos(2 * py),
                              pi2 * std::cos(px) * std::cos(py) - 4 * pi2 * std::cos(px) * std::sin(2 * py)};
  const double laplacian[2] = {-2 * pi2 * std::sin(px) * std::sin(py), -5 * pi2 * std::cos(px) * std::sin(2 * py)};
  for (int a = 0; a < 2; ++a) f[a] = -(m.lambda + m.mu) * grad_div[a] - m.mu * laplacian[a];
}

// The options of the manufactured solve with the given element and material
// (CG + GAMG to rtol 1e-12; the assembly rules integrate the smooth force
// accurately too).
inline ElasticityOptions manufactured_elasticity(int degree, const LameParameters& material) {
  ElasticityOptions options;
  options.degree = degree;
  options.quadrature_degree = 2 * degree + 2;
  options.material = material;
  options.solver.rtol = 1e-12;
  options.body_force = [material](const IntegrationPoint& p, double* f) { manufactured_force(material, p.x, f); };
  // u held on three sides; on the right one the exact traction σ(u)n.
  for (const char* side : {"left", "bottom", "top"}) options.displacement.push_back({side, -1, manufactured_u});
  options.traction.push_back({"right", [material](const FacetPoint& p, double* t) {
                                double g[4];
                                manufactured_gradient(p.x, g);
                                const double div = g[0] + g[3];
                                const double sigma[2][2] = {
                                    {material.lambda * div + 2 * material.mu * g[0], material.mu * (g[1] + g[2])},
                                    {material.mu * (g[1] + g[2]), material.lambda * div + 2 * material.mu * g[3]}};
                                for (int r = 0; r < 2; ++r)
                                  t[r] = sigma[r][0] * p.normal[0] + sigma[r][1] * p.normal[1];
                              }});
  return options;
}

// Collective: the errors of a solved manufactured problem, integrated with a
// rule three degrees above the element's squared degree.
inline ErrorNorms manufactured_elasticity_errors(const ElasticitySolver& solver) {
  const int degree = solver.space().element().degree();
  return vector_error_norms(solver.space(), solver.solution(), manufactured_u, manufactured_gradient, 2 * degree + 3);
}

}  // namespace ff::fem::test
