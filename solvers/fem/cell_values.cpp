#include "solvers/fem/cell_values.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>

namespace ff::fem {

double IntegrationPoint::interpolate(const double* cell_values) const {
  double sum = 0;
  for (int i = 0; i < size; ++i) sum += values[i] * cell_values[i];
  return sum;
}

CellValues::CellValues(const FeSpace& space, QuadratureRule rule)
    : space_(space),
      rule_(std::move(rule)),
      dim_(space.dim()),
      size_(space.element().size()),
      vertices_(space.element().vertices()),
      affine_(is_simplex(space.element().shape())) {
  FF_REQUIRE(rule_.dim == dim_, RunError, "a {}D quadrature rule on a {}D element", rule_.dim, dim_);
  const int n = rule_.size();
  values_.resize(n * size_);
  reference_gradients_.resize(n * size_ * dim_);
  geometry_values_.resize(n * vertices_);
  geometry_gradients_.resize(n * vertices_ * dim_);
  for (int q = 0; q < n; ++q) {
    const double* xi = &rule_.points[q * dim_];
    space.element().evaluate(xi, &values_[q * size_], &reference_gradients_[q * size_ * dim_]);
    space.element().evaluate_geometry(xi, &geometry_values_[q * vertices_], &geometry_gradients_[q * vertices_ * dim_]);
  }
  // Every point's reference gradients equal the first point's (a linear basis)?
  const auto first = reference_gradients_.begin(), first_end = first + size_ * dim_;
  uniform_gradients_ = affine_;
  for (int q = 1; q < n; ++q)
    uniform_gradients_ = uniform_gradients_ && std::equal(first, first_end, first + q * size_ * dim_);
  gradients_.resize(size_ * dim_);
  orientation_.assign(space.cells(), 0.0);
  point_.dim = dim_;
  point_.size = size_;
  point_.gradients = gradients_.data();
}

namespace {

double determinant(const double* j, int dim) {
  if (dim == 2) return j[0] * j[3] - j[1] * j[2];
  return j[0] * (j[4] * j[8] - j[5] * j[7]) - j[1] * (j[3] * j[8] - j[5] * j[6]) + j[2] * (j[3] * j[7] - j[4] * j[6]);
}

// Inverse of a 2x2 or 3x3 row-major matrix with determinant `det`.
void invert(const double* j, double det, int dim, double* inverse) {
  const double reciprocal = 1 / det;
  if (dim == 2) {
    inverse[0] = j[3] * reciprocal, inverse[1] = -j[1] * reciprocal;
    inverse[2] = -j[2] * reciprocal, inverse[3] = j[0] * reciprocal;
    return;
  }
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) {
      // Cofactor of entry (c, r), by cyclic indices.
      const int r1 = (c + 1) % 3, r2 = (c + 2) % 3, c1 = (r + 1) % 3, c2 = (r + 2) % 3;
      inverse[r * 3 + c] = (j[r1 * 3 + c1] * j[r2 * 3 + c2] - j[r1 * 3 + c2] * j[r2 * 3 + c1]) * reciprocal;
    }
}

}  // namespace

void CellValues::update_geometry(long cell, int index) {
  const double* corners = space_.vertex_coordinates(cell);
  const double* dn = &geometry_gradients_[index * vertices_ * dim_];
  // J[a][b] = ∂x_a/∂ξ_b = Σ_v X_v,a ∂N_v/∂ξ_b.
  double jacobian[9] = {0};
  for (int a = 0; a < dim_; ++a)
    for (int v = 0; v < vertices_; ++v)
      for (int b = 0; b < dim_; ++b) jacobian[a * dim_ + b] += corners[v * dim_ + a] * dn[v * dim_ + b];
  det_ = determinant(jacobian, dim_);
  // The scale of a cell's volume, from its first edge: det J below a tiny
  // fraction of it is a degenerate cell.
  double edge_squared = 0;
  for (int a = 0; a < dim_; ++a) edge_squared += (corners[dim_ + a] - corners[a]) * (corners[dim_ + a] - corners[a]);
  const double scale = dim_ == 2 ? edge_squared : edge_squared * std::sqrt(edge_squared);
  FF_REQUIRE(std::abs(det_) > 1e-12 * scale, RunError, "cell {} is degenerate: det J = {:.3e} at quadrature point {}",
             cell, det_, index);
  double& orientation = orientation_[cell];
  if (orientation == 0) orientation = det_ > 0 ? 1 : -1;
  FF_REQUIRE(orientation * det_ > 0, RunError,
             "cell {} is inverted: det J changes sign inside it (quadrature point {})", cell, index);
  invert(jacobian, det_, dim_, inverse_);
}

const IntegrationPoint& CellValues::point(long cell, int index) {
  const double* corners = space_.vertex_coordinates(cell);
  const double* n = &geometry_values_[index * vertices_];

  // x(ξ) = Σ_v X_v N_v(ξ).
  for (int a = 0; a < dim_; ++a) {
    point_.x[a] = 0;
    for (int v = 0; v < vertices_; ++v) point_.x[a] += corners[v * dim_ + a] * n[v];
  }
  // Simplices map affinely: J is the same at every point of the cell, so it
  // is computed (and checked) once per cell; assembly visits a cell's points
  // in a row.
  const bool new_geometry = !affine_ || cell != geometry_cell_;
  if (new_geometry) {
    update_geometry(cell, index);
    geometry_cell_ = cell;
  }

  // ∇φ = J^(-T) ∇̂φ: with a linear basis on an affine cell (P1), the same at
  // every point of the cell.
  if (new_geometry || !uniform_gradients_) {
    const double* reference = &reference_gradients_[index * size_ * dim_];
    for (int i = 0; i < size_; ++i)
      for (int a = 0; a < dim_; ++a) {
        double g = 0;
        for (int b = 0; b < dim_; ++b) g += inverse_[b * dim_ + a] * reference[i * dim_ + b];
        gradients_[i * dim_ + a] = g;
      }
  }
  point_.cell = cell;
  point_.index = index;
  point_.measure = rule_.weights[index] * std::abs(det_);
  point_.values = &values_[index * size_];
  return point_;
}

}  // namespace ff::fem
