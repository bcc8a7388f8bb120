#include "solvers/fem/quadrature.hpp"

#include "core/error.hpp"

#include <cmath>
#include <initializer_list>

namespace ff::fem {

QuadratureRule gauss_legendre(int n) {
  FF_REQUIRE(n >= 1, InputError, "a Gauss rule needs at least one point, got {}", n);
  QuadratureRule rule;
  rule.dim = 1;
  rule.points.resize(n);
  rule.weights.resize(n);
  // Newton iteration on the Legendre polynomial P_n on [-1,1], from the
  // Chebyshev-like first guess, then mapped to [0,1].
  for (int i = 0; i < n; ++i) {
    double x = std::cos(M_PI * (i + 0.75) / (n + 0.5));
    double derivative = 1;
    for (int iteration = 0; iteration < 100; ++iteration) {
      double p0 = 1, p1 = x;  // P_0, P_1, then the recurrence up to P_n
      for (int k = 2; k <= n; ++k) {
        const double pk = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = pk;
      }
      derivative = n * (x * p1 - p0) / (x * x - 1);
      const double step = p1 / derivative;
      x -= step;
      if (std::abs(step) < 1e-16) break;
    }
    rule.points[i] = 0.5 * (1 - x);
    rule.weights[i] = 1.0 / ((1 - x * x) * derivative * derivative);  // 2/((1-x²)P_n'²), halved for [0,1]
  }
  return rule;
}

namespace {

int points_for_degree(int degree) { return degree / 2 + 1; }  // 2n-1 >= degree

QuadratureRule tensor_rule(int dim, const QuadratureRule& line) {
  QuadratureRule rule;
  rule.dim = dim;
  const int n = line.size();
  const int total = dim == 2 ? n * n : n * n * n;
  for (int q = 0; q < total; ++q) {
    double weight = 1;
    for (int d = 0, rest = q; d < dim; ++d, rest /= n) {
      rule.points.push_back(line.points[rest % n]);
      weight *= line.weights[rest % n];
    }
    rule.weights.push_back(weight);
  }
  return rule;
}

// The square [0,1]² onto the triangle by (u,v) -> (u(1-v), v), Jacobian 1-v;
// the cube onto the tetrahedron by (u,v,w) -> (u(1-v)(1-w), v(1-w), w),
// Jacobian (1-v)(1-w)².
QuadratureRule collapsed_rule(int dim, const QuadratureRule& line) {
  const QuadratureRule cube = tensor_rule(dim, line);
  QuadratureRule rule;
  rule.dim = dim;
  for (int q = 0; q < cube.size(); ++q) {
    const double u = cube.points[q * dim], v = cube.points[q * dim + 1];
    if (dim == 2) {
      rule.points.insert(rule.points.end(), {u * (1 - v), v});
      rule.weights.push_back(cube.weights[q] * (1 - v));
    } else {
      const double w = cube.points[q * dim + 2];
      rule.points.insert(rule.points.end(), {u * (1 - v) * (1 - w), v * (1 - w), w});
      rule.weights.push_back(cube.weights[q] * (1 - v) * (1 - w) * (1 - w));
    }
  }
  return rule;
}

// Symmetric rules with positive weights and far fewer points than the
// collapsed ones (3 instead of 4 points for degree 2 on triangles, 4 instead
// of 27 on tetrahedra); assembly cost is proportional to the point count.
// Each orbit is given by barycentric coordinates; `weight` is per point, for
// a reference cell of unit volume. Triangles: Strang & Fix (degree 2),
// Dunavant (degree 4); tetrahedra: Keast (degree 2).
struct Orbit {
  double a, b;  // barycentrics (a, a, b) on triangles, (a, a, a, b) on tetrahedra
  double weight;
};

QuadratureRule symmetric_rule(int dim, std::initializer_list<Orbit> orbits) {
  QuadratureRule rule;
  rule.dim = dim;
  const double volume = dim == 2 ? 0.5 : 1.0 / 6;
  for (const Orbit& orbit : orbits) {
    // The distinct points of the orbit: the odd coordinate b at each barycentric position.
    const int positions = orbit.a == orbit.b ? 1 : dim + 1;
    for (int k = 0; k < positions; ++k) {
      for (int d = 0; d < dim; ++d) rule.points.push_back(d == k ? orbit.b : orbit.a);
      rule.weights.push_back(orbit.weight * volume);
    }
  }
  return rule;
}

// The symmetric rule of at least `degree`, or an empty rule when none is tabulated.
QuadratureRule symmetric_simplex_rule(int dim, int degree) {
  if (degree <= 1) return symmetric_rule(dim, {{1.0 / (dim + 1), 1.0 / (dim + 1), 1.0}});
  if (dim == 2 && degree == 2) return symmetric_rule(2, {{1.0 / 6, 2.0 / 3, 1.0 / 3}});
  if (dim == 2 && degree <= 4)
    return symmetric_rule(2, {{0.445948490915965, 0.108103018168070, 0.223381589678011},
                              {0.091576213509771, 0.816847572980459, 0.109951743655322}});
  if (dim == 3 && degree == 2) {
    const double a = (5 - std::sqrt(5.0)) / 20;
    return symmetric_rule(3, {{a, 1 - 3 * a, 0.25}});
  }
  return {};
}

}  // namespace

QuadratureRule gauss_rule(CellShape shape, int degree) {
  FF_REQUIRE(degree >= 0, InputError, "quadrature degree must be >= 0, got {}", degree);
  const int dim = shape_dimension(shape);
  if (is_simplex(shape)) {
    QuadratureRule symmetric = symmetric_simplex_rule(dim, degree);
    if (symmetric.size() > 0) return symmetric;
    // The collapse raises the degree in the collapsed variables by dim-1.
    return collapsed_rule(dim, gauss_legendre(points_for_degree(degree + dim - 1)));
  }
  return tensor_rule(dim, gauss_legendre(points_for_degree(degree)));
}

}  // namespace ff::fem
