// Reference elements and quadrature: the properties the convergence tests
// rest on, checked exactly (to round-off).
#include "core/error.hpp"
#include "solvers/fem/element.hpp"
#include "solvers/fem/quadrature.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using namespace ff::fem;

const CellShape kShapes[] = {CellShape::triangle, CellShape::quadrilateral, CellShape::tetrahedron,
                             CellShape::hexahedron};

// ∫ ξ^a η^b ζ^c over the reference cell: a!b!c!/(a+b+c+d)! on the unit
// simplex, 1/((a+1)(b+1)(c+1)) on the unit square/cube.
double monomial_integral(CellShape shape, const int* powers) {
  const int d = shape_dimension(shape);
  if (!is_simplex(shape)) {
    double v = 1;
    for (int a = 0; a < d; ++a) v /= powers[a] + 1;
    return v;
  }
  int total = d;
  double numerator = 1;
  for (int a = 0; a < d; ++a) {
    numerator *= std::tgamma(powers[a] + 1);
    total += powers[a];
  }
  return numerator / std::tgamma(total + 1);
}

TEST(Quadrature, GaussLegendreIntegratesDegreeTwoNMinusOneExactly) {
  for (int n = 1; n <= 6; ++n) {
    const QuadratureRule rule = gauss_legendre(n);
    for (int p = 0; p <= 2 * n - 1; ++p) {
      double sum = 0;
      for (int q = 0; q < n; ++q) sum += rule.weights[q] * std::pow(rule.points[q], p);
      EXPECT_NEAR(sum, 1.0 / (p + 1), 1e-14) << "n=" << n << " p=" << p;
    }
  }
}

TEST(Quadrature, RulesIntegrateMonomialsOfTheirDegreeExactly) {
  for (CellShape shape : kShapes) {
    const int d = shape_dimension(shape);
    for (int degree = 0; degree <= 7; ++degree) {
      const QuadratureRule rule = gauss_rule(shape, degree);
      // Total degree on simplices, degree per variable on tensor cells.
      for (int a = 0; a <= degree; ++a)
        for (int b = 0; b <= degree; ++b)
          for (int c = 0; c <= (d == 3 ? degree : 0); ++c) {
            const int powers[3] = {a, b, c};
            if (is_simplex(shape) && a + b + c > degree) continue;
            double sum = 0;
            for (int q = 0; q < rule.size(); ++q) {
              double m = rule.weights[q];
              for (int k = 0; k < d; ++k) m *= std::pow(rule.points[q * d + k], powers[k]);
              sum += m;
            }
            EXPECT_NEAR(sum, monomial_integral(shape, powers), 1e-14)
                << shape_name(shape) << " degree " << degree << " powers " << a << b << c;
          }
    }
  }
}

// Lagrange bases: φ_i(node_j) = δ_ij, Σφ = 1, Σ∇φ = 0, and the gradients
// match central differences of the values.
void check_basis(const ReferenceElement& element) {
  const int n = element.size(), d = element.dim();
  std::vector<double> nodes;  // vertices, then edge midpoints
  for (int k = 0; k < element.vertices(); ++k)
    for (int a = 0; a < d; ++a)
      nodes.push_back(is_simplex(element.shape()) ? (k == a + 1 ? 1.0 : 0.0) : ((k >> a) & 1));
  for (const auto& [i, j] : element.edges())
    for (int a = 0; a < d; ++a) nodes.push_back(0.5 * (nodes[i * d + a] + nodes[j * d + a]));
  std::vector<double> values(n), gradients(n * d), plus(n), minus(n), scratch(n * d);
  for (int j = 0; j < n; ++j) {
    element.evaluate(&nodes[j * d], values.data(), gradients.data());
    for (int i = 0; i < n; ++i)
      EXPECT_NEAR(values[i], i == j ? 1.0 : 0.0, 1e-14) << element.name() << " " << i << "," << j;
  }
  const double xi[3] = {0.21, 0.13, 0.37}, h = 1e-6;
  element.evaluate(xi, values.data(), gradients.data());
  double sum = 0;
  for (double v : values) sum += v;
  EXPECT_NEAR(sum, 1.0, 1e-14) << element.name();
  for (int a = 0; a < d; ++a) {
    double xp[3] = {xi[0], xi[1], xi[2]}, xm[3] = {xi[0], xi[1], xi[2]};
    xp[a] += h;
    xm[a] -= h;
    element.evaluate(xp, plus.data(), scratch.data());
    element.evaluate(xm, minus.data(), scratch.data());
    double gradient_sum = 0;
    for (int i = 0; i < n; ++i) {
      EXPECT_NEAR(gradients[i * d + a], (plus[i] - minus[i]) / (2 * h), 1e-8) << element.name() << " basis " << i;
      gradient_sum += gradients[i * d + a];
    }
    EXPECT_NEAR(gradient_sum, 0.0, 1e-13) << element.name();
  }
}

TEST(Element, LagrangeBasesAreNodalPartitionsOfUnityWithConsistentGradients) {
  for (CellShape shape : kShapes) check_basis(ReferenceElement(shape, 1));
  check_basis(ReferenceElement(CellShape::triangle, 2));
  check_basis(ReferenceElement(CellShape::tetrahedron, 2));
  EXPECT_EQ(ReferenceElement(CellShape::tetrahedron, 2).size(), 10);
  EXPECT_THROW(ReferenceElement(CellShape::quadrilateral, 2), ff::InputError);
}

}  // namespace
