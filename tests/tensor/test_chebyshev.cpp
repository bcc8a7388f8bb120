// One-axis Chebyshev interpolation: exactness at the nodes, geometric decay of
// the coefficients and spectral convergence at the rate the Bernstein ellipse
// predicts, derivative and integral of the interpolant.
#include "core/error.hpp"
#include "tensor/chebyshev.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>

namespace ff::tensor {
namespace {

using Function = std::function<double(double)>;

Eigen::VectorXd sample(const Function& f, const Eigen::VectorXd& x) { return x.unaryExpr(f); }

Eigen::VectorXd random_points(Interval box, int count, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(box.lo, box.hi);
  Eigen::VectorXd x(count);
  for (int i = 0; i < count; ++i) x(i) = u(rng);
  return x;
}

// Max error of the degree-n interpolant of f on `box` at 1000 random points.
double interpolation_error(const Function& f, Interval box, int n) {
  const ChebyshevAxis axis(box, n);
  const Eigen::VectorXd c = axis.coefficients(sample(f, axis.nodes()));
  const Eigen::VectorXd x = random_points(box, 1000, 7);
  return (axis.basis(x) * c - sample(f, x)).cwiseAbs().maxCoeff();
}

TEST(Chebyshev, RejectsBadIntervalAndDegree) {
  EXPECT_THROW(ChebyshevAxis({0.0, 0.0}, 8), InputError);
  EXPECT_THROW(ChebyshevAxis({1.0, -1.0}, 8), InputError);
  EXPECT_THROW(ChebyshevAxis({0.0, INFINITY}, 8), InputError);
  EXPECT_THROW(ChebyshevAxis({0.0, 1.0}, 0), InputError);
  EXPECT_THROW(ChebyshevAxis({0.0, 1.0}, ChebyshevAxis::kMaxDegree + 1), InputError);
  const ChebyshevAxis axis({0.0, 1.0}, 8);
  EXPECT_THROW(axis.coefficients(Eigen::MatrixXd::Ones(8, 2)), InputError);
}

TEST(Chebyshev, NodesAreFirstKindPointsInsideTheInterval) {
  const ChebyshevAxis axis({-2.0, 6.0}, 10);
  ASSERT_EQ(axis.size(), 11);
  for (int j = 0; j < axis.size(); ++j) {
    EXPECT_NEAR(axis.nodes()(j), 2.0 + 4.0 * std::cos(M_PI * (j + 0.5) / 11), 1e-14);
    EXPECT_GT(axis.nodes()(j), -2.0);
    EXPECT_LT(axis.nodes()(j), 6.0);
  }
}

// The interpolant takes the sampled values at the nodes: basis(nodes) is the
// inverse of the DCT up to round-off (a few ε times the samples' size).
TEST(Chebyshev, EvaluationAtNodesReproducesSamples) {
  const Interval box{-1.5, 0.5};
  for (int n : {1, 2, 7, 40, 129}) {
    const ChebyshevAxis axis(box, n);
    Eigen::MatrixXd samples(axis.size(), 3);
    samples.col(0) = sample([](double x) { return std::exp(x); }, axis.nodes());
    samples.col(1) = sample([](double x) { return std::cos(5 * x); }, axis.nodes());
    samples.col(2) = sample([](double x) { return 1 / (1 + 25 * x * x); }, axis.nodes());
    const Eigen::MatrixXd coefficients = axis.coefficients(samples);
    Eigen::MatrixXd in_place = samples;
    axis.coefficients_in_place(in_place);
    EXPECT_EQ(in_place, coefficients);
    const Eigen::MatrixXd back = axis.basis(axis.nodes()) * coefficients;
    EXPECT_LT((back - samples).cwiseAbs().maxCoeff(), 1e-14 * samples.cwiseAbs().maxCoeff() * std::max(1.0, n / 10.0))
        << "degree " << n;
  }
}

// For f analytic inside the Bernstein ellipse E_ρ (foci ±1, semi-axes summing
// to ρ), |c_k| ≤ 2 M ρ^{-k}. 1/(1 + 25 x²) on [−1, 1] has poles at ±i/5, so
// ρ = 1/5 + sqrt(1 + 1/25); its even coefficients decay exactly at that rate
// asymptotically (the ratio |c_k / c_{k+2}| → ρ²).
TEST(Chebyshev, CoefficientsDecayGeometrically) {
  const ChebyshevAxis axis({-1.0, 1.0}, 120);
  const Eigen::VectorXd runge = axis.coefficients(sample([](double x) { return 1 / (1 + 25 * x * x); }, axis.nodes()));
  const double rho = 0.2 + std::sqrt(1.04);
  for (int k = 20; k <= 100; k += 20) {
    EXPECT_NEAR(std::abs(runge(k) / runge(k + 2)), rho * rho, 0.02 * rho * rho) << "k = " << k;
    EXPECT_LT(std::abs(runge(k + 1)), 1e-15);  // an even function has no odd coefficients
  }
  // Entire functions decay faster than any geometric rate: e^x = I_0(1) + 2 Σ_k I_k(1) T_k(x).
  const Eigen::VectorXd exp_c = axis.coefficients(sample([](double x) { return std::exp(x); }, axis.nodes()));
  for (int k = 1; k <= 14; ++k) EXPECT_NEAR(exp_c(k), 2.0 * std::cyl_bessel_i(double(k), 1.0), 1e-15);
  EXPECT_LT(exp_c.tail(100).cwiseAbs().maxCoeff(), 1e-15);
  const Eigen::VectorXd cos_c = axis.coefficients(sample([](double x) { return std::cos(5 * x); }, axis.nodes()));
  EXPECT_GT(std::abs(cos_c(4)), 0.1);
  EXPECT_LT(cos_c.tail(90).cwiseAbs().maxCoeff(), 1e-15);
}

// Interpolation error ~ C ρ^{-n}: doubling the degree from n to 2n multiplies it
// by ρ^{-n}, up to the slowly varying prefactor (an order of magnitude either way).
TEST(Chebyshev, InterpolationConvergesAtTheBernsteinRate) {
  const Interval box{2.0, 6.0};  // the mapping must not change the rate
  // 1/(1 + 25 s²) with s = t the reference coordinate: poles at t = ±i/5.
  const Function runge = [](double x) {
    const double t = (x - 4.0) / 2.0;
    return 1 / (1 + 25 * t * t);
  };
  const double rho = 0.2 + std::sqrt(1.04);
  for (int n : {20, 40}) {
    const double ratio = interpolation_error(runge, box, 2 * n) / interpolation_error(runge, box, n);
    const double predicted = std::pow(rho, -n);
    EXPECT_GT(ratio, 0.1 * predicted) << "n = " << n;
    EXPECT_LT(ratio, 10 * predicted) << "n = " << n;
  }
  // Entire functions: error at degree 2n far below the geometric prediction of any
  // modest ρ, and at round-off by degree 30.
  const Function wave = [](double x) { return std::cos(5 * x); };
  EXPECT_LT(interpolation_error(wave, {-1, 1}, 24), 1e-3 * interpolation_error(wave, {-1, 1}, 12));
  EXPECT_LT(interpolation_error(wave, {-1, 1}, 30), 1e-14);
  EXPECT_LT(interpolation_error([](double x) { return std::exp(x); }, {-1, 1}, 20), 1e-15 * std::exp(1.0));
}

TEST(Chebyshev, DerivativeAndIntegralOfTheInterpolant) {
  const Interval box{0.0, 3.0};
  const ChebyshevAxis axis(box, 40);
  const Eigen::VectorXd c = axis.coefficients(sample([](double x) { return std::sin(2 * x); }, axis.nodes()));
  const Eigen::VectorXd x = random_points(box, 200, 3);
  const Eigen::VectorXd derivative = axis.basis_derivative(x) * c;
  for (int i = 0; i < x.size(); ++i) EXPECT_NEAR(derivative(i), 2 * std::cos(2 * x(i)), 1e-12);
  EXPECT_NEAR(axis.basis_integrals().dot(c), (1 - std::cos(6.0)) / 2, 1e-14);
  // Exact for polynomials up to the degree: ∫_0^3 x^5 dx.
  const ChebyshevAxis quintic(box, 5);
  const Eigen::VectorXd q = quintic.coefficients(sample([](double x) { return std::pow(x, 5); }, quintic.nodes()));
  EXPECT_NEAR(quintic.basis_integrals().dot(q), std::pow(3.0, 6) / 6, 1e-12);
}

}  // namespace
}  // namespace ff::tensor
