// Gauss quadrature on the reference cells of element.hpp: tensor Gauss–
// Legendre rules on [0,1]^d for quadrilaterals and hexahedra; on the unit
// simplex, symmetric rules of few points for low degrees and otherwise
// collapsed (Duffy) Gauss–Legendre rules, whose weights carry the Jacobian of
// the collapse. Every weight is positive.
#pragma once

#include "solvers/fem/element.hpp"

#include <vector>

namespace ff::fem {

struct QuadratureRule {
  int dim = 0;
  std::vector<double> points;   // [n_points * dim] reference coordinates
  std::vector<double> weights;  // [n_points]; they sum to the reference cell's volume
  int size() const { return static_cast<int>(weights.size()); }
};

// Gauss–Legendre points and weights on [0,1], exact for polynomials of degree 2n-1.
QuadratureRule gauss_legendre(int n);

// A rule exact for polynomials of total degree `degree` on simplices and of
// degree `degree` in each variable on quadrilaterals and hexahedra.
QuadratureRule gauss_rule(CellShape shape, int degree);

}  // namespace ff::fem
