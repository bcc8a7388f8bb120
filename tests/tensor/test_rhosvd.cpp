// Reduced HOSVD of a CP sum against the HOSVD of the assembled tensor.
#include "core/error.hpp"
#include "tensor/tucker.hpp"
#include "tensor_test_util.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

namespace ff::tensor {
namespace {

using testing::random_matrix;
using testing::relative_error;

// Σ_j w_j exp(−α_j |x − c_j|²) sampled on an n³ grid of [0, 1]³: separable
// Gaussians of widths 0.1–0.45 at random centres, weights of both signs.
CpTensor gaussian_sum(int n, int terms, unsigned seed) {
  const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(n, 0, 1);
  const Eigen::MatrixXd centres = random_matrix(3, terms, seed, 0, 1);
  const Eigen::VectorXd alpha = random_matrix(terms, 1, seed + 1, 5, 100).col(0);
  CpTensor cp{{}, random_matrix(terms, 1, seed + 2).col(0)};
  for (int m = 0; m < 3; ++m) {
    Eigen::MatrixXd a(n, terms);
    for (int j = 0; j < terms; ++j) a.col(j) = (-(alpha(j)) * (x.array() - centres(m, j)).square()).exp().matrix();
    cp.factors.push_back(a);
  }
  return cp;
}

TEST(Rhosvd, MatchesHosvdOfTheAssembledTensor) {
  const CpTensor cp = gaussian_sum(40, 300, 11);
  const FullTensor a = assemble(cp);
  for (double tol : {1e-3, 1e-5, 1e-7}) {
    const TuckerTensor reduced = rhosvd(cp, tol);
    const TuckerTensor full = hosvd(a, tol);
    const Eigen::VectorXd r = assemble(reduced).values, h = assemble(full).values;
    const double error = relative_error(r, a.values);
    const double difference = (r - h).norm() / a.norm();
    std::printf("tol %.0e: rhosvd ranks %d %d %d, error %.2e; hosvd ranks %d %d %d, error %.2e; |R - H|/|A| %.2e\n",
                tol, reduced.ranks()[0], reduced.ranks()[1], reduced.ranks()[2], error, full.ranks()[0],
                full.ranks()[1], full.ranks()[2], relative_error(h, a.values), difference);
    // rhosvd's tolerance is relative to ‖w'‖ (unit columns); this sum has
    // little cancellation (‖A‖ ≈ ‖w'‖), so both approximate A to the
    // tolerance and agree with each other to about 2 tol.
    EXPECT_LT(error, tol);
    EXPECT_LT(difference, 2 * tol);
    for (int m = 0; m < 3; ++m) EXPECT_LE(std::abs(reduced.ranks()[m] - full.ranks()[m]), 3);
  }
}

TEST(Rhosvd, FixedRanksAndOrderTwo) {
  const CpTensor cp = gaussian_sum(30, 50, 21);
  const FullTensor a = assemble(cp);
  const TuckerTensor t = rhosvd(cp, std::vector<int>{12, 12, 12});
  EXPECT_EQ(t.ranks(), (std::vector<int>{12, 12, 12}));
  // Quasi-optimal like the HOSVD at the same ranks (which is within √3 of the best).
  const double hosvd_error = relative_error(assemble(hosvd(a, std::vector<int>{12, 12, 12})).values, a.values);
  EXPECT_LT(relative_error(assemble(t).values, a.values), 2 * hosvd_error);
  // A CP sum of rank 5 is reproduced exactly at ranks 5.
  const CpTensor small{{random_matrix(10, 5, 1), random_matrix(9, 5, 2), random_matrix(8, 5, 3)},
                       random_matrix(5, 1, 4).col(0)};
  EXPECT_LT(relative_error(assemble(rhosvd(small, std::vector<int>{5, 5, 5})).values, assemble(small).values), 1e-12);
  // Order 2: the truncated SVD of A_1 diag(w) A_2ᵀ.
  const CpTensor flat{{cp.factors[0], cp.factors[1]}, cp.weights};
  const FullTensor b = assemble(flat);
  EXPECT_LT(relative_error(assemble(rhosvd(flat, 1e-6)).values, b.values), 1e-6);
}

// Partial sums are added in thread order over statically assigned blocks: the
// same input gives the same bits on every run (for a given thread count).
TEST(Rhosvd, RepeatableBitForBit) {
  const CpTensor cp = gaussian_sum(24, 3000, 31);
  const TuckerTensor a = rhosvd(cp, 1e-6), b = rhosvd(cp, 1e-6);
  EXPECT_EQ(a.core, b.core);
  for (int m = 0; m < 3; ++m) EXPECT_EQ(a.factors[m], b.factors[m]);
  EXPECT_EQ(assemble(cp).values, assemble(cp).values);
}

TEST(Rhosvd, RejectsBadInput) {
  CpTensor cp = gaussian_sum(10, 4, 1);
  EXPECT_THROW(rhosvd(cp, 1e-9), InputError);
  EXPECT_THROW(rhosvd(cp, 1.0), InputError);
  cp.weights(2) = NAN;
  EXPECT_THROW(rhosvd(cp, 1e-6), InputError);
  cp.weights(2) = 1.0;
  cp.factors[1] = Eigen::MatrixXd::Ones(10, 3);
  EXPECT_THROW(rhosvd(cp, 1e-6), InputError);
}

}  // namespace
}  // namespace ff::tensor
