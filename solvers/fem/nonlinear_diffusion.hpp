// The point kernel of −∇·(k(u)∇u) = f, a diffusion whose conductivity
// depends on the solution (heat conduction with temperature-dependent k):
//
//   residual  F_i(u)      = ∫ k(u) ∇u·∇φ_i − f φ_i
//   Jacobian  ∂F_i/∂u_j   = ∫ k(u) ∇φ_j·∇φ_i + k'(u) φ_j ∇u·∇φ_i
//
// The second Jacobian term makes it nonsymmetric. Both are sums over
// integration points of the current iterate's u and ∇u there, so the
// assembly loop of assembly.hpp evaluates them on every point, or on an
// empirical-cubature subset for a reduced-order model.
#pragma once

#include "solvers/fem/assembly.hpp"
#include "solvers/fem/diffusion.hpp"

#include <string>
#include <vector>

namespace ff::fem {

// k(u) = k0 (1 + β u²)   (quadratic: positive for every u when k0 > 0, β ≥ 0)
// k(u) = k0 exp(β u)     (exponential: positive for every u when k0 > 0)
enum class ConductivityLaw { quadratic, exponential };

// "quadratic" | "exponential"; InputError listing them otherwise.
ConductivityLaw parse_conductivity_law(const std::string& name);
std::string law_name(ConductivityLaw law);

struct Conductivity {
  ConductivityLaw law = ConductivityLaw::quadratic;
  double k0 = 1;
  double beta = 1;

  double value(double u) const;       // k(u)
  double derivative(double u) const;  // k'(u)
};

class NonlinearDiffusionKernel : public PointKernel {
 public:
  // `iterate` holds u at the local dofs of `space`, boundary values
  // included; the kernel reads it at every point and keeps a reference, so it
  // must outlive the kernel.
  NonlinearDiffusionKernel(const FeSpace& space, const std::vector<double>& iterate, Conductivity conductivity,
                           PointFunction source)
      : space_(space), iterate_(iterate), conductivity_(conductivity), source_(std::move(source)) {}

  // The Jacobian ∂F_i/∂u_j at the iterate.
  void add_matrix(const IntegrationPoint& p, double weight, double* matrix) const override;
  // The residual F_i at the iterate.
  void add_vector(const IntegrationPoint& p, double weight, double* vector) const override;

 private:
  const FeSpace& space_;
  const std::vector<double>& iterate_;
  Conductivity conductivity_;
  PointFunction source_;
};

}  // namespace ff::fem
