#include "solvers/fem/element.hpp"

#include "core/error.hpp"

namespace ff::fem {

int shape_dimension(CellShape shape) {
  return shape == CellShape::triangle || shape == CellShape::quadrilateral ? 2 : 3;
}

bool is_simplex(CellShape shape) { return shape == CellShape::triangle || shape == CellShape::tetrahedron; }

int shape_vertices(CellShape shape) {
  switch (shape) {
    case CellShape::triangle:
      return 3;
    case CellShape::quadrilateral:
      return 4;
    case CellShape::tetrahedron:
      return 4;
    case CellShape::hexahedron:
      return 8;
  }
  return 0;
}

std::string shape_name(CellShape shape) {
  switch (shape) {
    case CellShape::triangle:
      return "triangle";
    case CellShape::quadrilateral:
      return "quadrilateral";
    case CellShape::tetrahedron:
      return "tetrahedron";
    case CellShape::hexahedron:
      return "hexahedron";
  }
  return "";
}

ReferenceElement::ReferenceElement(CellShape shape, int degree) : shape_(shape), degree_(degree) {
  FF_REQUIRE(degree == 1 || (degree == 2 && is_simplex(shape)), InputError,
             "no degree-{} Lagrange element on a {} (P1/P2 on simplices, Q1 on quadrilaterals and hexahedra)", degree,
             shape_name(shape));
  if (degree == 2) {
    edges_ = {{0, 1}, {1, 2}, {0, 2}};
    if (shape == CellShape::tetrahedron) edges_.insert(edges_.end(), {{0, 3}, {1, 3}, {2, 3}});
  }
  size_ = vertices() + static_cast<int>(edges_.size());
}

std::string ReferenceElement::name() const { return (is_simplex(shape_) ? "P" : "Q") + std::to_string(degree_); }

void ReferenceElement::evaluate_geometry(const double* xi, double* values, double* gradients) const {
  const int d = dim();
  if (is_simplex(shape_)) {
    // Barycentric coordinates: λ_0 = 1 - Σ ξ, λ_k = ξ_{k-1}.
    values[0] = 1;
    for (int a = 0; a < d; ++a) {
      values[0] -= xi[a];
      values[a + 1] = xi[a];
      gradients[a] = -1;
      for (int k = 1; k <= d; ++k) gradients[k * d + a] = (k - 1 == a) ? 1 : 0;
    }
    return;
  }
  // Tensor products of the 1D hats 1-ξ (bit 0) and ξ (bit 1).
  for (int k = 0; k < vertices(); ++k) {
    double factor[3], slope[3];
    for (int a = 0; a < d; ++a) {
      const bool upper = (k >> a) & 1;
      factor[a] = upper ? xi[a] : 1 - xi[a];
      slope[a] = upper ? 1 : -1;
    }
    values[k] = 1;
    for (int a = 0; a < d; ++a) values[k] *= factor[a];
    for (int a = 0; a < d; ++a) {
      double g = slope[a];
      for (int b = 0; b < d; ++b)
        if (b != a) g *= factor[b];
      gradients[k * d + a] = g;
    }
  }
}

void ReferenceElement::evaluate(const double* xi, double* values, double* gradients) const {
  evaluate_geometry(xi, values, gradients);
  if (degree_ == 1) return;
  // P2 from the barycentric coordinates λ (the P1 values just computed):
  // vertex k: λ_k(2λ_k - 1); edge (a,b): 4 λ_a λ_b.
  const int d = dim(), nv = vertices();
  double lambda[4], grad_lambda[4 * 3];
  for (int k = 0; k < nv; ++k) {
    lambda[k] = values[k];
    for (int a = 0; a < d; ++a) grad_lambda[k * d + a] = gradients[k * d + a];
  }
  for (int k = 0; k < nv; ++k) {
    values[k] = lambda[k] * (2 * lambda[k] - 1);
    for (int a = 0; a < d; ++a) gradients[k * d + a] = (4 * lambda[k] - 1) * grad_lambda[k * d + a];
  }
  for (std::size_t e = 0; e < edges_.size(); ++e) {
    const auto [i, j] = edges_[e];
    const int k = nv + static_cast<int>(e);
    values[k] = 4 * lambda[i] * lambda[j];
    for (int a = 0; a < d; ++a)
      gradients[k * d + a] = 4 * (lambda[i] * grad_lambda[j * d + a] + lambda[j] * grad_lambda[i * d + a]);
  }
}

}  // namespace ff::fem
