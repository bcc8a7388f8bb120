// Errors of a finite-element solution against an exact solution, integrated
// with a rule of the caller's degree (use one above the element's so the
// quadrature error does not pollute the observed orders).
#pragma once

#include "solvers/fem/fe_space.hpp"

#include <functional>
#include <vector>

namespace ff::fem {

using ExactValue = std::function<double(const double* x)>;
using ExactGradient = std::function<void(const double* x, double* gradient)>;

struct ErrorNorms {
  double l2 = 0;  // ‖u − u_h‖_L2
  double h1 = 0;  // |u − u_h|_H1 = ‖∇(u − u_h)‖_L2
};

// A vector field [components] at x, and its gradient [components * dim]
// (row c is ∇u_c).
using ExactVector = std::function<void(const double* x, double* value)>;
using ExactVectorGradient = std::function<void(const double* x, double* gradient)>;

// Collective: sums over every rank's cells. `solution` holds local dofs.
ErrorNorms error_norms(const FeSpace& space, const std::vector<double>& solution, const ExactValue& u,
                       const ExactGradient& grad_u, int quadrature_degree);
// The same for a space of several components: ‖u − u_h‖ summed over them.
ErrorNorms vector_error_norms(const FeSpace& space, const std::vector<double>& solution, const ExactVector& u,
                              const ExactVectorGradient& grad_u, int quadrature_degree);

// Local dof values of `u` at the dofs' nodes (the Lagrange interpolant).
std::vector<double> interpolate(const FeSpace& space, const ExactValue& u);
std::vector<double> interpolate_vector(const FeSpace& space, const ExactVector& u);

}  // namespace ff::fem
