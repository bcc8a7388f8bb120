#include "solvers/fem/elasticity_kernel.hpp"

#include "core/error.hpp"

#include <cmath>

namespace ff::fem {

LameParameters lame_from_young(double young, double poisson) {
  FF_REQUIRE(young > 0 && std::isfinite(young), InputError, "Young's modulus must be positive, got {}", young);
  FF_REQUIRE(poisson > -1 && poisson < 0.5, InputError,
             "Poisson's ratio must lie in (-1, 0.5), got {} (0.5 is incompressible: displacement elements lock)",
             poisson);
  return {young * poisson / ((1 + poisson) * (1 - 2 * poisson)), young / (2 * (1 + poisson))};
}

// For φ_I = φ_i e_a and φ_J = φ_j e_b:
//   σ(φ_J) : ε(φ_I) = λ ∂_a φ_i ∂_b φ_j + μ (δ_ab ∇φ_i·∇φ_j + ∂_b φ_i ∂_a φ_j).
void ElasticityKernel::add_matrix(const IntegrationPoint& p, double weight, double* matrix) const {
  const int n = p.size, d = p.dim, rows = n * d;
  const double lambda_dx = material_.lambda * weight, mu_dx = material_.mu * weight;
  const double* g = p.gradients;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double grad_dot = 0;  // ∇φ_i · ∇φ_j
      for (int c = 0; c < d; ++c) grad_dot += g[i * d + c] * g[j * d + c];
      for (int a = 0; a < d; ++a)
        for (int b = 0; b < d; ++b) {
          double entry = lambda_dx * g[i * d + a] * g[j * d + b] + mu_dx * g[i * d + b] * g[j * d + a];
          if (a == b) entry += mu_dx * grad_dot;
          matrix[(i * d + a) * rows + j * d + b] += entry;
        }
    }
}

void ElasticityKernel::add_vector(const IntegrationPoint& p, double weight, double* vector) const {
  double f[3] = {0, 0, 0};
  body_force_(p, f);
  for (int i = 0; i < p.size; ++i)
    for (int a = 0; a < p.dim; ++a) vector[i * p.dim + a] += f[a] * p.values[i] * weight;  // f_a φ_i dx
}

}  // namespace ff::fem
