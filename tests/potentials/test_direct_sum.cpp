// Direct sums: the vectorised reference equals a plain loop; the short-range
// kernel and its cell-list and grid sums equal a brute-force erfc sum; short
// range plus the Gaussian-sum long range equals the Newton potential.
#include "potentials/direct_sum.hpp"
#include "potentials/gaussian_sum.hpp"
#include "potentials/short_range.hpp"

#include "core/error.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace fp = ff::potentials;

namespace {

Eigen::MatrixXd random_points(long m, unsigned seed) {
  std::srand(seed);
  return (Eigen::MatrixXd::Random(m, 3).array() + 1) * 0.5;
}

double relative_l2(const Eigen::VectorXd& a, const Eigen::VectorXd& b) { return (a - b).norm() / b.norm(); }

}  // namespace

TEST(DirectSum, EqualsPlainLoopAndSkipsCoincidentPairs) {
  const auto c = fp::random_charges(300, 3);
  Eigen::MatrixXd t = random_points(50, 1);
  t.row(0) = c.positions.row(17);  // a target on a charge
  const Eigen::VectorXd phi = fp::direct_potential(c, t);
  for (long i = 0; i < t.rows(); ++i) {
    double ref = 0;
    for (long j = 0; j < c.size(); ++j) {
      const double r = (t.row(i) - c.positions.row(j)).norm();
      if (r > 0) ref += c.q(j) / r;
    }
    EXPECT_NEAR(phi(i), ref, 1e-12 * std::abs(ref) + 1e-12);
  }
}

TEST(ShortRange, KernelMatchesErfcOverR) {
  const fp::ShortRangeKernel k(0.05, 4.5 * 0.05);
  EXPECT_LE(k.measured_error(), 2e-12);
  // The error bound is relative to g(0) = 2/(√π r_c), the largest value of the smooth part.
  const double g0 = 2 / (std::sqrt(M_PI) * 0.05);
  for (double r : {1e-6, 1e-3, 0.01, 0.05, 0.1, 0.2, 0.2249})
    EXPECT_NEAR(k(r), fp::newton_short_range(r, 0.05), 2e-12 * g0) << r;
  EXPECT_EQ(k(0.225), 0.0);
  EXPECT_NEAR(k(0.0), -2 / (std::sqrt(M_PI) * 0.05), 2e-12 * g0);  // the self pair: −g(0)
  EXPECT_THROW(fp::ShortRangeKernel(0.05, 0.3), ff::InputError);
}

TEST(ShortRange, CellListAndGridEqualBruteForce) {
  const auto c = fp::random_charges(2000, 5);
  const fp::ShortRangeKernel k(0.04, 0.15);
  const fp::ShortRangeSum sr(c, k);
  // Points inside and a little outside the charges' box.
  const Eigen::MatrixXd t = random_points(400, 2).array() * 1.2 - 0.1;
  const Eigen::VectorXd phi = sr.at_points(t);
  Eigen::VectorXd ref = Eigen::VectorXd::Zero(t.rows());
  for (long i = 0; i < t.rows(); ++i)
    for (long j = 0; j < c.size(); ++j) {
      const double r = (t.row(i) - c.positions.row(j)).norm();
      if (r > 0 && r < k.cutoff()) ref(i) += c.q(j) * std::erfc(r / k.r_c()) / r;
    }
  EXPECT_LE(relative_l2(phi, ref), 1e-11);

  const std::vector<Eigen::VectorXd> axes{Eigen::VectorXd::LinSpaced(13, -0.05, 1.0),
                                          Eigen::VectorXd::LinSpaced(11, 0.0, 1.0),
                                          Eigen::VectorXd::LinSpaced(9, 0.1, 0.9)};
  const Eigen::VectorXd grid = sr.on_grid(axes);
  Eigen::MatrixXd points(13 * 11 * 9, 3);
  for (int kz = 0, s = 0; kz < 9; ++kz)
    for (int j = 0; j < 11; ++j)
      for (int i = 0; i < 13; ++i, ++s) points.row(s) << axes[0](i), axes[1](j), axes[2](kz);
  EXPECT_LE(relative_l2(grid, sr.at_points(points)), 1e-13);
}

// Charges in a corner of a large box, targets all over it: most targets lie
// beyond the cutoff from the charges' bounding box on some axis (a molecule in
// its box) and must get exactly 0, without indexing cells that do not exist.
TEST(ShortRange, TargetsFarFromEveryChargeGetNothing) {
  fp::Charges c = fp::random_charges(400, 7);
  c.positions *= 0.1;
  const fp::ShortRangeKernel k(0.01, 0.04);
  const fp::ShortRangeSum sr(c, k);
  Eigen::MatrixXd t = random_points(2000, 3).array() * 2.0 - 0.5;
  // Beyond the last cell along x at the last row of cells: an unchecked range
  // would read the cell table hundreds of megabytes past its end.
  t.row(0) << 1e6, 0.1, 0.1;
  t.row(1) << -1e6, 0.1, 0.1;
  const Eigen::VectorXd phi = sr.at_points(t);
  long far = 0;
  for (long i = 0; i < t.rows(); ++i) {
    double ref = 0, nearest = 1e300;
    for (long j = 0; j < c.size(); ++j) {
      const double r = (t.row(i) - c.positions.row(j)).norm();
      nearest = std::min(nearest, r);
      if (r > 0 && r < k.cutoff()) ref += c.q(j) * std::erfc(r / k.r_c()) / r;
    }
    if (nearest >= k.cutoff()) {
      ++far;
      EXPECT_EQ(phi(i), 0.0) << i;
    } else {
      EXPECT_NEAR(phi(i), ref, 1e-11 * std::abs(ref) + 1e-12) << i;
    }
  }
  EXPECT_GT(far, 1000);
}

TEST(ShortRange, PlusGaussianLongRangeIsTheNewtonPotential) {
  const auto c = fp::random_charges(200, 9);
  const double r_c = 0.06;
  fp::GaussianSumOptions o;
  o.accuracy = 1e-9;
  const auto lr = fp::newton_long_range_sum(r_c, o);
  const fp::ShortRangeSum sr(c, fp::ShortRangeKernel(r_c, 4.5 * r_c));
  const Eigen::MatrixXd t = random_points(300, 4);
  Eigen::VectorXd total = sr.at_points(t);
  for (long i = 0; i < t.rows(); ++i)
    for (long j = 0; j < c.size(); ++j) total(i) += c.q(j) * lr((t.row(i) - c.positions.row(j)).norm());
  // erfc(4.5) ≈ 2e-10 and the Gaussian sum's 1e-9 bound the difference.
  EXPECT_LE(relative_l2(total, fp::direct_potential(c, t)), 1e-8);
}
