// The point kernels of one θ-step of the heat equation
//   c ∂u/∂t − ∇·(k∇u) = f,   k ∂u/∂n = q − h u on Neumann/Robin faces,
// from t0 to t1 (= t0 + Δt up to rounding):
//   (M + θΔt A) u^(n+1) = (M − (1−θ)Δt A) u^n + Δt (θ F(t1) + (1−θ) F(t0)),
// A = K + R. The matrix side is the implicit operator; the vector side is
// the explicit part, evaluated from u^n at each point (no M or A is stored),
// plus the loads. u^n holds the Dirichlet values of t0 at its constrained
// dofs, so they are lifted there by the explicit part itself; those of t1
// are lifted by the assembly from the matrix side.
#pragma once

#include "solvers/fem/boundary_assembly.hpp"
#include "solvers/fem/diffusion.hpp"

#include <functional>
#include <vector>

namespace ff::fem {

// A scalar field of space and time.
using SpaceTimeFunction = std::function<double(const double* x, double t)>;

struct ThetaStep {
  double theta = 0.5;
  double dt = 0;
  // The step runs from t0 to t1. The caller gives t1 rather than the kernels
  // adding dt, so sources and fluxes see the same t1 as its Dirichlet values.
  double t0 = 0;
  double t1 = 0;
  // u^n at local dofs (Dirichlet values of t0 included); may be null when
  // only the matrix is assembled.
  const std::vector<double>* previous = nullptr;
};

// matrix: c φ_j φ_i + θΔt k ∇φ_j·∇φ_i
// vector: c u^n φ_i − (1−θ)Δt k ∇u^n·∇φ_i + Δt (θ f(t1) + (1−θ) f(t0)) φ_i
class ThetaCellKernel : public PointKernel {
 public:
  ThetaCellKernel(const FeSpace& space, const PointFunction& capacity, const PointFunction& conductivity,
                  const SpaceTimeFunction& source, const ThetaStep& step);

  void add_matrix(const IntegrationPoint& p, double weight, double* matrix) const override;
  void add_vector(const IntegrationPoint& p, double weight, double* vector) const override;

 private:
  const FeSpace& space_;
  const PointFunction& capacity_;
  const PointFunction& conductivity_;
  const SpaceTimeFunction& source_;
  ThetaStep step_;
};

// matrix: θΔt h φ_j φ_i
// vector: Δt (θ q(t1) + (1−θ) q(t0)) φ_i − (1−θ)Δt h u^n φ_i
// Neumann faces have h = 0 and q the inward flux; Robin faces q = h u_inf.
class ThetaFaceKernel : public FacetKernel {
 public:
  ThetaFaceKernel(const FeSpace& space, double h, const SpaceTimeFunction& q, const ThetaStep& step);

  void add_matrix(const FacetPoint& p, double weight, double* matrix) const override;
  void add_vector(const FacetPoint& p, double weight, double* vector) const override;

 private:
  const FeSpace& space_;
  double h_;
  const SpaceTimeFunction& q_;
  ThetaStep step_;
};

}  // namespace ff::fem
