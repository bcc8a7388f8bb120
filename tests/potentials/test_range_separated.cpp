// Range-separated Chebyshev–Tucker potential: matches the direct sum to the
// requested accuracy at scattered targets and on a grid, the grid and point
// evaluations agree, and bad input is refused with the offending value named.
#include "potentials/direct_sum.hpp"
#include "potentials/range_separated.hpp"

#include "core/error.hpp"
#include "core/rng.hpp"

#include <gtest/gtest.h>

namespace fp = ff::potentials;

namespace {

const fp::Box kUnitBox{ff::tensor::Interval{0, 1}, ff::tensor::Interval{0, 1}, ff::tensor::Interval{0, 1}};

Eigen::MatrixXd random_points(long m, std::uint64_t seed) {
  ff::SampleRng rng(seed, 1, 0);
  Eigen::MatrixXd p(m, 3);
  for (long i = 0; i < m; ++i)
    for (int d = 0; d < 3; ++d) p(i, d) = rng.uniform();
  return p;
}

double relative_l2(const Eigen::VectorXd& a, const Eigen::VectorXd& b) { return (a - b).norm() / b.norm(); }

}  // namespace

TEST(RangeSeparated, MatchesDirectSumAtScatteredPoints) {
  const auto charges = fp::random_charges(40, 11);
  const Eigen::MatrixXd targets = random_points(1500, 3);
  const Eigen::VectorXd reference = fp::direct_potential(charges, targets);
  for (double accuracy : {1e-4, 1e-6}) {
    fp::RangeSeparatedPotential potential(charges, kUnitBox, fp::parameters_for(0.15, kUnitBox, accuracy));
    EXPECT_LE(relative_l2(potential.at_points(targets), reference), accuracy) << "accuracy " << accuracy;
  }
}

// A target on a charge: the direct sum skips that pair, and so must the
// range-separated sum, although the long range is finite there.
TEST(RangeSeparated, TargetOnAChargeSkipsThePairLikeTheDirectSum) {
  const auto charges = fp::random_charges(20, 13);
  fp::RangeSeparatedPotential potential(charges, kUnitBox, fp::parameters_for(0.15, kUnitBox, 1e-6));
  Eigen::MatrixXd targets = charges.positions.topRows(5);
  const Eigen::VectorXd reference = fp::direct_potential(charges, targets);
  EXPECT_LE(relative_l2(potential.at_points(targets), reference), 1e-5);
}

TEST(RangeSeparated, GridEqualsPointsAtTheSamePoints) {
  const auto charges = fp::random_charges(30, 5);
  fp::RangeSeparatedPotential potential(charges, kUnitBox, fp::parameters_for(0.2, kUnitBox, 1e-5));
  const std::vector<Eigen::VectorXd> axes{Eigen::VectorXd::LinSpaced(17, 0.0, 1.0),
                                          Eigen::VectorXd::LinSpaced(12, 0.03, 0.97),
                                          Eigen::VectorXd::LinSpaced(9, 0.0, 0.8)};
  const Eigen::VectorXd grid = potential.on_grid(axes);
  Eigen::MatrixXd points(17 * 12 * 9, 3);
  for (int k = 0, s = 0; k < 9; ++k)
    for (int j = 0; j < 12; ++j)
      for (int i = 0; i < 17; ++i, ++s) points.row(s) << axes[0](i), axes[1](j), axes[2](k);
  EXPECT_LE(relative_l2(grid, potential.at_points(points)), 1e-12);
  EXPECT_LE(relative_l2(grid, fp::direct_potential(charges, points)), 1e-5);
}

// Degrees above 199 sum the per-width Tucker tensors in Tucker form rather
// than in a dense coefficient tensor.
TEST(RangeSeparated, HighDegreeSumsInTuckerForm) {
  const auto charges = fp::random_charges(12, 21);
  const auto parameters = fp::parameters_for(0.012, kUnitBox, 1e-5);
  ASSERT_GT(parameters.degree, 199);
  fp::RangeSeparatedPotential potential(charges, kUnitBox, parameters);
  const Eigen::MatrixXd targets = random_points(1000, 4);
  EXPECT_LE(relative_l2(potential.at_points(targets), fp::direct_potential(charges, targets)), 1e-5);
}

TEST(RangeSeparated, ChosenParametersMeetTheAccuracy) {
  const auto charges = fp::random_charges(300, 2);
  const fp::Problem problem{300, kUnitBox, fp::TargetKind::kPoints, 2000, 1e-6};
  const auto choice = fp::choose_parameters(problem);
  EXPECT_GT(choice.parameters.r_c, 0.0);
  EXPECT_NEAR(choice.parameters.cutoff / choice.parameters.r_c, 3.4, 0.2);  // erfc(3.4) ≈ 1.5e-6
  const Eigen::MatrixXd targets = random_points(2000, 8);
  fp::RangeSeparatedPotential potential(charges, kUnitBox, choice.parameters);
  EXPECT_LE(relative_l2(potential.at_points(targets), fp::direct_potential(charges, targets)), 1e-6);
}

TEST(RangeSeparated, RefusesBadInput) {
  const auto charges = fp::random_charges(10, 1);
  const auto parameters = fp::parameters_for(0.2, kUnitBox, 1e-4);
  fp::Box flat = kUnitBox;
  flat[1].hi = 0.0;
  EXPECT_THROW(fp::RangeSeparatedPotential(charges, flat, parameters), ff::InputError);
  fp::Box small = kUnitBox;
  small[2].hi = 0.5;
  try {
    fp::RangeSeparatedPotential(charges, small, parameters);
    ADD_FAILURE() << "no error for a charge outside the box";
  } catch (const ff::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("outside the box"), std::string::npos) << e.what();
  }
  auto low_degree = parameters;
  low_degree.degree = 4;
  try {
    fp::RangeSeparatedPotential(charges, kUnitBox, low_degree);
    ADD_FAILURE() << "no error for a degree that cannot reach the accuracy";
  } catch (const ff::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("would"), std::string::npos) << e.what();
  }
  EXPECT_THROW(fp::parameters_for(0.2, kUnitBox, 0.5), ff::InputError);
}
