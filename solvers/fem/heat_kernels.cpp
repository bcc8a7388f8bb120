#include "solvers/fem/heat_kernels.hpp"

#include "core/error.hpp"

namespace ff::fem {

ThetaCellKernel::ThetaCellKernel(const FeSpace& space, const PointFunction& capacity, const PointFunction& conductivity,
                                 const SpaceTimeFunction& source, const ThetaStep& step)
    : space_(space), capacity_(capacity), conductivity_(conductivity), source_(source), step_(step) {}

void ThetaCellKernel::add_matrix(const IntegrationPoint& p, double weight, double* matrix) const {
  const double c_dx = capacity_(p) * weight;                               // c(x_q) · w_q |det J|
  const double k_dx = step_.theta * step_.dt * conductivity_(p) * weight;  // θΔt k(x_q) · w_q |det J|
  const int n = p.size, d = p.dim;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double grad_dot = 0;  // ∇φ_i · ∇φ_j
      for (int a = 0; a < d; ++a) grad_dot += p.gradients[i * d + a] * p.gradients[j * d + a];
      matrix[i * n + j] += c_dx * p.values[i] * p.values[j] + k_dx * grad_dot;
    }
}

void ThetaCellKernel::add_vector(const IntegrationPoint& p, double weight, double* vector) const {
  FF_REQUIRE(step_.previous, RunError, "a θ-step's right-hand side needs the previous solution");
  const int n = p.size, d = p.dim;
  // u^n and ∇u^n at the point, from the cell's dofs.
  const PetscInt* dofs = space_.local_dofs(p.cell);
  double u = 0, grad_u[3] = {0, 0, 0};
  for (int j = 0; j < n; ++j) {
    const double u_j = (*step_.previous)[dofs[j]];
    u += u_j * p.values[j];
    for (int a = 0; a < d; ++a) grad_u[a] += u_j * p.gradients[j * d + a];
  }
  const double c_dx = capacity_(p) * weight;
  const double k_dx = (1 - step_.theta) * step_.dt * conductivity_(p) * weight;  // (1−θ)Δt k · w_q |det J|
  const double f = step_.theta * source_(p.x, step_.t1) + (1 - step_.theta) * source_(p.x, step_.t0);
  const double f_dx = step_.dt * f * weight;
  for (int i = 0; i < n; ++i) {
    double grad_dot = 0;  // ∇u^n · ∇φ_i
    for (int a = 0; a < d; ++a) grad_dot += grad_u[a] * p.gradients[i * d + a];
    vector[i] += (c_dx * u + f_dx) * p.values[i] - k_dx * grad_dot;
  }
}

ThetaFaceKernel::ThetaFaceKernel(const FeSpace& space, double h, const SpaceTimeFunction& q, const ThetaStep& step)
    : space_(space), h_(h), q_(q), step_(step) {}

void ThetaFaceKernel::add_matrix(const FacetPoint& p, double weight, double* matrix) const {
  const double h_ds = step_.theta * step_.dt * h_ * weight;  // θΔt h · w_q |surface J|
  for (int i = 0; i < p.size; ++i)
    for (int j = 0; j < p.size; ++j) matrix[i * p.size + j] += h_ds * p.values[i] * p.values[j];
}

void ThetaFaceKernel::add_vector(const FacetPoint& p, double weight, double* vector) const {
  FF_REQUIRE(step_.previous, RunError, "a θ-step's right-hand side needs the previous solution");
  const PetscInt* dofs = space_.local_dofs(p.cell);
  double u = 0;  // u^n at the point
  for (int j = 0; j < p.size; ++j) u += (*step_.previous)[dofs[j]] * p.values[j];
  const double q = step_.theta * q_(p.x, step_.t1) + (1 - step_.theta) * q_(p.x, step_.t0);
  const double load_ds = step_.dt * (q - (1 - step_.theta) * h_ * u) * weight;
  for (int i = 0; i < p.size; ++i) vector[i] += load_ds * p.values[i];
}

}  // namespace ff::fem
