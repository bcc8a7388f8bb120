#include "solvers/fem/diffusion.hpp"

namespace ff::fem {

void DiffusionKernel::add_matrix(const IntegrationPoint& p, double weight, double* matrix) const {
  const double a_dx = conductivity_(p) * weight;  // a(x_q) · w_q |det J|
  const int n = p.size, d = p.dim;
  // The form is symmetric: each pair i ≤ j is computed once.
  for (int i = 0; i < n; ++i)
    for (int j = i; j < n; ++j) {
      double grad_dot = 0;  // ∇φ_i · ∇φ_j
      for (int a = 0; a < d; ++a) grad_dot += p.gradients[i * d + a] * p.gradients[j * d + a];
      matrix[i * n + j] += a_dx * grad_dot;
      if (j != i) matrix[j * n + i] += a_dx * grad_dot;
    }
}

void DiffusionKernel::add_vector(const IntegrationPoint& p, double weight, double* vector) const {
  const double f_dx = source_(p) * weight;  // f(x_q) · w_q |det J|
  for (int i = 0; i < p.size; ++i) vector[i] += f_dx * p.values[i];
}

}  // namespace ff::fem
