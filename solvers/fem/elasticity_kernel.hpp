// The point kernel of small-strain linear elasticity, −∇·σ(u) = f with the
// isotropic law σ = λ tr(ε) I + 2μ ε, ε = (∇u + ∇uᵀ)/2, on a space of dim
// components. In 2D this is plane strain (ε_zz = 0) with the 3D λ and μ.
#pragma once

#include "solvers/fem/assembly.hpp"

#include <functional>

namespace ff::fem {

struct LameParameters {
  double lambda = 0;
  double mu = 0;
};

// λ = Eν / ((1 + ν)(1 − 2ν)), μ = E / (2(1 + ν)). InputError unless E > 0 and
// −1 < ν < 1/2 (at ν = 1/2 the material is incompressible and λ infinite).
LameParameters lame_from_young(double young, double poisson);

// A vector field [dim] evaluated at an integration point.
using VectorPointFunction = std::function<void(const IntegrationPoint& p, double* value)>;

class ElasticityKernel : public PointKernel {
 public:
  ElasticityKernel(LameParameters material, VectorPointFunction body_force)
      : material_(material), body_force_(std::move(body_force)) {}

  void add_matrix(const IntegrationPoint& p, double weight, double* matrix) const override;
  void add_vector(const IntegrationPoint& p, double weight, double* vector) const override;

 private:
  LameParameters material_;
  VectorPointFunction body_force_;
};

}  // namespace ff::fem
