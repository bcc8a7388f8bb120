#include "solvers/fem/nonlinear_diffusion.hpp"

#include "core/error.hpp"
#include "solvers/fem/point_field.hpp"

#include <cmath>

namespace ff::fem {

ConductivityLaw parse_conductivity_law(const std::string& name) {
  if (name == "quadratic") return ConductivityLaw::quadratic;
  if (name == "exponential") return ConductivityLaw::exponential;
  throw InputError("unknown conductivity law \"" + name + "\": expected quadratic or exponential");
}

std::string law_name(ConductivityLaw law) { return law == ConductivityLaw::quadratic ? "quadratic" : "exponential"; }

double Conductivity::value(double u) const {
  return law == ConductivityLaw::quadratic ? k0 * (1 + beta * u * u) : k0 * std::exp(beta * u);
}

double Conductivity::derivative(double u) const {
  return law == ConductivityLaw::quadratic ? 2 * k0 * beta * u : k0 * beta * std::exp(beta * u);
}

void NonlinearDiffusionKernel::add_matrix(const IntegrationPoint& p, double weight, double* matrix) const {
  const PointField u = evaluate_field(p, space_, iterate_);
  const double k_dx = conductivity_.value(u.value) * weight;        // k(u_q) · w_q |det J|
  const double dk_dx = conductivity_.derivative(u.value) * weight;  // k'(u_q) · w_q |det J|
  const int n = p.size, d = p.dim;
  for (int i = 0; i < n; ++i) {
    double grad_u_dot_i = 0;  // ∇u · ∇φ_i
    for (int a = 0; a < d; ++a) grad_u_dot_i += u.gradient[a] * p.gradients[i * d + a];
    for (int j = 0; j < n; ++j) {
      double grad_dot = 0;  // ∇φ_j · ∇φ_i
      for (int a = 0; a < d; ++a) grad_dot += p.gradients[i * d + a] * p.gradients[j * d + a];
      matrix[i * n + j] += k_dx * grad_dot + dk_dx * p.values[j] * grad_u_dot_i;
    }
  }
}

void NonlinearDiffusionKernel::add_vector(const IntegrationPoint& p, double weight, double* vector) const {
  const PointField u = evaluate_field(p, space_, iterate_);
  const double k_dx = conductivity_.value(u.value) * weight;  // k(u_q) · w_q |det J|
  const double f_dx = source_(p) * weight;                    // f(x_q) · w_q |det J|
  const int d = p.dim;
  for (int i = 0; i < p.size; ++i) {
    double grad_u_dot_i = 0;  // ∇u · ∇φ_i
    for (int a = 0; a < d; ++a) grad_u_dot_i += u.gradient[a] * p.gradients[i * d + a];
    vector[i] += k_dx * grad_u_dot_i - f_dx * p.values[i];
  }
}

}  // namespace ff::fem
