// Chebyshev–Tucker functions in 2D and 3D: interpolation at the nodes, the
// fast kernels against plain sums, gradients, integrals, algebra, bad input.
#include "core/error.hpp"
#include "tensor/chebyshev_tucker.hpp"
#include "tensor_test_util.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace ff::tensor {
namespace {

using testing::random_matrix;
using testing::relative_error;

const Eigen::Vector3d kCentre(0.1, 0.8, 0.4);
constexpr double kAlpha = 3.0;

std::vector<ChebyshevAxis> box3(int n) {
  return {ChebyshevAxis({-1.0, 1.0}, n), ChebyshevAxis({0.0, 2.0}, n + 2), ChebyshevAxis({-0.5, 1.5}, n - 3)};
}

// Non-separable, smooth on the box, like a softened Coulomb potential.
Eigen::VectorXd soft_coulomb(const Eigen::MatrixXd& p) {
  return ((p.rowwise() - kCentre.transpose().leftCols(p.cols())).rowwise().squaredNorm().array() + 0.5)
      .rsqrt()
      .matrix();
}

Eigen::VectorXd gaussian(const Eigen::MatrixXd& p) {
  return (-kAlpha * (p.rowwise() - kCentre.transpose().leftCols(p.cols())).rowwise().squaredNorm().array())
      .exp()
      .matrix();
}

Eigen::MatrixXd points_in(const std::vector<ChebyshevAxis>& axes, int count, unsigned seed) {
  Eigen::MatrixXd p = random_matrix(count, static_cast<long>(axes.size()), seed, 0, 1);
  for (std::size_t m = 0; m < axes.size(); ++m)
    p.col(m) = (axes[m].interval().lo + axes[m].interval().length() * p.col(m).array()).matrix();
  return p;
}

// The node grid as an M × d list of points, first index fastest.
Eigen::MatrixXd node_points(const std::vector<ChebyshevAxis>& axes) {
  const int d = static_cast<int>(axes.size());
  long total = 1;
  for (const auto& axis : axes) total *= axis.size();
  Eigen::MatrixXd p(total, d);
  for (long i = 0; i < total; ++i) {
    long rest = i;
    for (int m = 0; m < d; ++m) {
      p(i, m) = axes[m].nodes()(rest % axes[m].size());
      rest /= axes[m].size();
    }
  }
  return p;
}

// Coefficients → values at the nodes is √(N/2)·(orthogonal) per axis, up to
// the k = 0 column's √2, so a relative Frobenius error tol in the coefficients
// is at most 2^{d/2} tol relative l2 error in the node values.
TEST(ChebyshevTucker, EvaluationAtNodesReproducesSamples) {
  const std::vector<ChebyshevAxis> axes = box3(24);
  const Eigen::MatrixXd nodes = node_points(axes);
  const Eigen::VectorXd samples = soft_coulomb(nodes);
  for (double tol : {1e-3, 1e-6, 1e-10}) {
    const ChebyshevTucker f = ChebyshevTucker::interpolate(axes, soft_coulomb, {tol, 0});
    EXPECT_LE(relative_error(f.evaluate(nodes), samples), std::pow(2.0, 1.5) * tol) << "tol " << tol;
    EXPECT_LE(f.coefficients().error_bound, tol * f.coefficients().norm() * (1 + 1e-9));
  }
  // With nothing discarded the interpolant is exact at the nodes to round-off.
  const ChebyshevTucker exact = ChebyshevTucker::interpolate(axes, soft_coulomb, {0.0, 0});
  EXPECT_LT((exact.evaluate(nodes) - samples).cwiseAbs().maxCoeff(), 1e-13 * samples.cwiseAbs().maxCoeff());
}

// The GEMM-blocked kernel against Σ_ijk C_ijk T_i(x) T_j(y) T_k(z) with the
// dense coefficient tensor, point by point.
TEST(ChebyshevTucker, EvaluateMatchesPlainSum) {
  const std::vector<ChebyshevAxis> axes = box3(12);
  const ChebyshevTucker f = ChebyshevTucker::interpolate(axes, soft_coulomb, {1e-8, 0});
  const FullTensor c = assemble(f.coefficients());
  const Eigen::MatrixXd p = points_in(axes, 600, 5);  // more than one block
  const Eigen::VectorXd fast = f.evaluate(p);
  for (long i = 0; i < p.rows(); ++i) {
    const Eigen::RowVectorXd t0 = axes[0].basis(p.row(i).segment(0, 1)).row(0);
    const Eigen::RowVectorXd t1 = axes[1].basis(p.row(i).segment(1, 1)).row(0);
    const Eigen::RowVectorXd t2 = axes[2].basis(p.row(i).segment(2, 1)).row(0);
    double sum = 0.0;
    long index = 0;
    for (int k = 0; k < c.shape[2]; ++k)
      for (int j = 0; j < c.shape[1]; ++j)
        for (int l = 0; l < c.shape[0]; ++l) sum += c.values(index++) * t0(l) * t1(j) * t2(k);
    EXPECT_NEAR(fast(i), sum, 1e-13 * std::abs(sum)) << "point " << i;
  }
}

TEST(ChebyshevTucker, GridEvaluationEqualsPointwise) {
  for (int d : {2, 3}) {
    std::vector<ChebyshevAxis> axes = box3(20);
    axes.erase(axes.begin() + d, axes.end());
    const ChebyshevTucker f = ChebyshevTucker::interpolate(axes, soft_coulomb, {1e-9, 0});
    std::vector<Eigen::VectorXd> grid;
    const int sizes[3] = {17, 13, 11};
    for (int m = 0; m < d; ++m) grid.push_back(points_in({axes[m]}, sizes[m], 30 + m).col(0));
    const Eigen::VectorXd on_grid = f.evaluate_grid(grid);
    long total = 1;
    for (int m = 0; m < d; ++m) total *= sizes[m];
    Eigen::MatrixXd p(total, d);
    for (long i = 0; i < total; ++i) {
      long rest = i;
      for (int m = 0; m < d; ++m) {
        p(i, m) = grid[m](rest % sizes[m]);
        rest /= sizes[m];
      }
    }
    const Eigen::VectorXd pointwise = f.evaluate(p);
    EXPECT_LT((on_grid - pointwise).cwiseAbs().maxCoeff(), 1e-13 * pointwise.cwiseAbs().maxCoeff()) << d << "D";
    // Accumulating into an existing array: out + alpha f.
    const Eigen::VectorXd base = random_matrix(total, 1, 40).col(0);
    Eigen::VectorXd out = base;
    f.accumulate_grid(grid, out, -2.0);
    EXPECT_LT((out - (base - 2 * pointwise)).cwiseAbs().maxCoeff(), 1e-13 * pointwise.cwiseAbs().maxCoeff());
    // And the interpolant is accurate off the nodes. 1/sqrt(r² + 1/2) is analytic
    // within imaginary distance 1/√2 of each unit half-length axis: Bernstein
    // ρ = 1/√2 + √(3/2), error ~ ρ^{-n} at the lowest degree n = 17.
    const double rho = std::sqrt(0.5) + std::sqrt(1.5);
    EXPECT_LT(relative_error(pointwise, soft_coulomb(p)), std::pow(rho, -17)) << d << "D";
  }
}

// A Gaussian is separable: Tucker ranks 1, interpolation to 1e-12 at degree 30,
// gradient −2α (x − c) f, integral a product of erf differences.
TEST(ChebyshevTucker, GaussianGradientAndIntegral) {
  for (int d : {2, 3}) {
    std::vector<ChebyshevAxis> axes = box3(30);
    axes.erase(axes.begin() + d, axes.end());
    const ChebyshevTucker f = ChebyshevTucker::interpolate(axes, gaussian, {1e-12, 0});
    EXPECT_EQ(f.ranks(), std::vector<int>(d, 1));
    const Eigen::MatrixXd p = points_in(axes, 500, 7);
    const Eigen::VectorXd exact = gaussian(p);
    EXPECT_LT((f.evaluate(p) - exact).cwiseAbs().maxCoeff(), 1e-12);
    const Eigen::MatrixXd grad = f.gradient(p);
    ASSERT_EQ(grad.cols(), d);
    for (long i = 0; i < p.rows(); ++i)
      for (int m = 0; m < d; ++m)
        EXPECT_NEAR(grad(i, m), -2 * kAlpha * (p(i, m) - kCentre(m)) * exact(i), 1e-10) << "point " << i;
    // ∫_lo^hi e^{−α (x − c)²} dx = √(π/α)/2 [erf(√α (hi − c)) − erf(√α (lo − c))].
    double integral = 1.0;
    for (int m = 0; m < d; ++m) {
      const Interval box = axes[m].interval();
      const double s = std::sqrt(kAlpha);
      integral *=
          0.5 * std::sqrt(M_PI / kAlpha) * (std::erf(s * (box.hi - kCentre(m))) - std::erf(s * (box.lo - kCentre(m))));
    }
    EXPECT_NEAR(f.integral(), integral, 1e-13 * integral) << d << "D";
  }
  // Gradient of a non-separable function against central differences (h = 1e-5:
  // truncation h² f''' ~ 1e-10, round-off ε/h ~ 1e-11).
  const std::vector<ChebyshevAxis> axes = box3(24);
  const ChebyshevTucker g = ChebyshevTucker::interpolate(axes, soft_coulomb, {1e-12, 0});
  Eigen::MatrixXd p = points_in(axes, 50, 9);
  p = (p.array() * 0.9 + 0.05).matrix();  // keep x ± h inside the box
  const Eigen::MatrixXd grad = g.gradient(p);
  const double h = 1e-5;
  for (int m = 0; m < 3; ++m) {
    Eigen::MatrixXd plus = p, minus = p;
    plus.col(m).array() += h;
    minus.col(m).array() -= h;
    const Eigen::VectorXd fd = (g.evaluate(plus) - g.evaluate(minus)) / (2 * h);
    EXPECT_LT((grad.col(m) - fd).cwiseAbs().maxCoeff(), 1e-8) << "axis " << m;
  }
}

// HOOI sweeps at the HOSVD's ranks never increase the coefficient error.
TEST(ChebyshevTucker, HooiRefinementDoesNotIncreaseError) {
  const std::vector<ChebyshevAxis> axes = box3(20);
  const ChebyshevTucker exact = ChebyshevTucker::interpolate(axes, soft_coulomb, {0.0, 0});
  const Eigen::VectorXd c = assemble(exact.coefficients()).values;
  const ChebyshevTucker plain = ChebyshevTucker::interpolate(axes, soft_coulomb, {1e-4, 0});
  const ChebyshevTucker refined = ChebyshevTucker::interpolate(axes, soft_coulomb, {1e-4, 2});
  EXPECT_EQ(plain.ranks(), refined.ranks());
  const double before = (assemble(plain.coefficients()).values - c).norm();
  const double after = (assemble(refined.coefficients()).values - c).norm();
  EXPECT_LE(after, before * (1 + 1e-12));
  EXPECT_NEAR(refined.coefficients().error_bound, after, 1e-12 * c.norm());
}

TEST(ChebyshevTucker, AlgebraAndMemory) {
  const std::vector<ChebyshevAxis> axes = box3(24);
  const ChebyshevTucker f = ChebyshevTucker::interpolate(axes, soft_coulomb, {1e-10, 0});
  const ChebyshevTucker g = ChebyshevTucker::interpolate(axes, gaussian, {1e-10, 0});
  const ChebyshevTucker h = add(f, scale(g, -2.0), 1e-10);
  const Eigen::MatrixXd p = points_in(axes, 300, 13);
  // The sum in the format against the sum of the values (interpolation error aside).
  const Eigen::VectorXd summed = f.evaluate(p) - 2 * g.evaluate(p);
  EXPECT_LT(relative_error(h.evaluate(p), summed), 1e-9);
  EXPECT_NEAR(h.integral(), f.integral() - 2 * g.integral(), 1e-9 * std::abs(h.integral()));
  const std::vector<int> r = f.ranks();
  const std::size_t expected = 8 * (25 * r[0] + 27 * r[1] + 22 * r[2] + static_cast<std::size_t>(r[0]) * r[1] * r[2]);
  EXPECT_EQ(f.memory_bytes(), expected);
  EXPECT_EQ(f.degrees(), (std::vector<int>{24, 26, 21}));
}

TEST(ChebyshevTucker, RejectsBadInput) {
  const std::vector<ChebyshevAxis> axes = box3(10);
  const ChebyshevTucker f = ChebyshevTucker::interpolate(axes, gaussian, {1e-8, 0});
  Eigen::MatrixXd p = points_in(axes, 10, 1);
  p(4, 1) = 2.1;  // the second axis is [0, 2]
  EXPECT_THROW(f.evaluate(p), InputError);
  EXPECT_THROW(f.gradient(p), InputError);
  EXPECT_THROW(f.evaluate(Eigen::MatrixXd::Zero(3, 2)), InputError);
  EXPECT_THROW(f.evaluate_grid({Eigen::VectorXd::Zero(3), Eigen::VectorXd::Zero(3)}), InputError);
  EXPECT_THROW(
      f.evaluate_grid({Eigen::VectorXd::Zero(3), Eigen::VectorXd::Constant(3, -1.0), Eigen::VectorXd::Zero(3)}),
      InputError);
  Eigen::VectorXd too_small(26);
  const std::vector<Eigen::VectorXd> grid(3, Eigen::VectorXd::Constant(3, 0.5));
  EXPECT_THROW(f.accumulate_grid(grid, too_small), InputError);
  // Wrapping coefficients whose factor sizes do not match the degrees.
  EXPECT_THROW(ChebyshevTucker(box3(12), f.coefficients()), InputError);
  EXPECT_THROW(ChebyshevTucker({axes[0]}, f.coefficients()), InputError);
  EXPECT_THROW(add(f, ChebyshevTucker::interpolate(box3(11), gaussian, {1e-8, 0}), 1e-8), InputError);
  const BatchFunction short_batch = [](const Eigen::MatrixXd& q) { return Eigen::VectorXd::Zero(q.rows() - 1); };
  EXPECT_THROW(ChebyshevTucker::interpolate(axes, short_batch), RunError);
  const BatchFunction nan = [](const Eigen::MatrixXd& q) { return Eigen::VectorXd::Constant(q.rows(), NAN); };
  EXPECT_THROW(ChebyshevTucker::interpolate(axes, nan), InputError);
}

}  // namespace
}  // namespace ff::tensor
