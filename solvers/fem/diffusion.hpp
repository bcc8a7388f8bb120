// The point kernel of −∇·(a∇u) = f: stiffness a ∇φ_j·∇φ_i and load f φ_i.
#pragma once

#include "solvers/fem/assembly.hpp"

#include <functional>

namespace ff::fem {

// A scalar field evaluated at an integration point (from x, or from dofs
// through IntegrationPoint::interpolate).
using PointFunction = std::function<double(const IntegrationPoint&)>;

class DiffusionKernel : public PointKernel {
 public:
  DiffusionKernel(PointFunction conductivity, PointFunction source)
      : conductivity_(std::move(conductivity)), source_(std::move(source)) {}

  void add_matrix(const IntegrationPoint& p, double weight, double* matrix) const override;
  void add_vector(const IntegrationPoint& p, double weight, double* vector) const override;

 private:
  PointFunction conductivity_, source_;
};

}  // namespace ff::fem
