// A finite-element field given by its values at a FeSpace's local dofs,
// evaluated at an integration point: u(x_q) and ∇u(x_q). What a nonlinear
// kernel needs of the current iterate.
#pragma once

#include "solvers/fem/cell_values.hpp"

#include <vector>

namespace ff::fem {

struct PointField {
  double value = 0;
  double gradient[3] = {0, 0, 0};  // the first p.dim entries are set
};

// Σ_i u_i φ_i(x_q) and Σ_i u_i ∇φ_i(x_q) over the dofs of p's cell.
PointField evaluate_field(const IntegrationPoint& p, const FeSpace& space, const std::vector<double>& local_values);

}  // namespace ff::fem
