// The element of a FeSpace evaluated at the integration points of one cell,
// as deal.II's FEValues: basis values, physical gradients and the point's
// share of the cell volume. Reference values are tabulated once per rule;
// each point then costs one Jacobian.
//
// A point is addressed by (cell, index in the rule), so a reduced-order model
// can evaluate any chosen subset of points (empirical cubature).
#pragma once

#include "solvers/fem/fe_space.hpp"
#include "solvers/fem/quadrature.hpp"

#include <vector>

namespace ff::fem {

struct IntegrationPoint {
  long cell = 0;
  int index = 0;  // point of the quadrature rule
  int dim = 0, size = 0;
  double x[3] = {0, 0, 0};
  double measure = 0;                 // rule weight x |det J|: the point's share of the cell's volume
  const double* values = nullptr;     // [size] basis values
  const double* gradients = nullptr;  // [size * dim] physical basis gradients

  // Σ_i values[i] cell_values[i]: a field given by its dofs on this cell.
  double interpolate(const double* cell_values) const;
};

class CellValues {
 public:
  CellValues(const FeSpace& space, QuadratureRule rule);

  // Point `index` of `cell`. The reference stays valid until the next call.
  // RunError for a cell whose Jacobian vanishes or changes sign (degenerate
  // or inverted).
  const IntegrationPoint& point(long cell, int index);

  const QuadratureRule& rule() const { return rule_; }
  const FeSpace& space() const { return space_; }

 private:
  // J, det J and J^(-1) at point `index` of `cell` into det_ and inverse_;
  // RunError for a degenerate or inverted cell.
  void update_geometry(long cell, int index);

  const FeSpace& space_;
  QuadratureRule rule_;
  int dim_, size_, vertices_;
  std::vector<double> values_, reference_gradients_;          // [points][basis]( [dim])
  std::vector<double> geometry_values_, geometry_gradients_;  // [points][vertex]( [dim])
  std::vector<double> gradients_;                             // the current point's
  std::vector<double> orientation_;                           // sign of det J per cell (0: not yet seen)
  bool affine_;                                               // simplices: one Jacobian per cell
  bool uniform_gradients_ = false;  // affine with a linear basis: one set of gradients per cell
  long geometry_cell_ = -1;         // the cell det_ and inverse_ belong to
  double det_ = 0, inverse_[9] = {0};
  IntegrationPoint point_;
};

}  // namespace ff::fem
