// Dense/CP/Tucker tensors: assembly and mode products against plain loops,
// the HOSVD error bound, HOOI monotonicity, recompression, sums and scaling.
#include "core/error.hpp"
#include "tensor/tucker.hpp"
#include "tensor_test_util.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace ff::tensor {
namespace {

using testing::random_matrix;
using testing::relative_error;
using testing::sample_grid;

// A smooth, numerically low-rank tensor with slowly decaying singular values
// in every mode (not separable, so no mode has an exact small rank).
FullTensor smooth_tensor(int n1, int n2, int n3) {
  return sample_grid({Eigen::VectorXd::LinSpaced(n1, 0, 1), Eigen::VectorXd::LinSpaced(n2, 0, 2),
                      Eigen::VectorXd::LinSpaced(n3, 0, 1)},
                     [](double x, double y, double z) { return 1.0 / (0.3 + x + y * y + 0.5 * z + x * z); });
}

TEST(Tucker, AssembleMatchesPlainLoops) {
  const TuckerTensor t{{random_matrix(5, 2, 1), random_matrix(4, 3, 2), random_matrix(6, 2, 3)},
                       random_matrix(12, 1, 4).col(0)};
  const CpTensor cp{{random_matrix(5, 7, 5), random_matrix(4, 7, 6), random_matrix(6, 7, 7)},
                    random_matrix(7, 1, 8).col(0)};
  const FullTensor ft = assemble(t), fc = assemble(cp);
  ASSERT_EQ(ft.shape, (std::vector<int>{5, 4, 6}));
  ASSERT_EQ(fc.shape, (std::vector<int>{5, 4, 6}));
  for (int k = 0; k < 6; ++k)
    for (int j = 0; j < 4; ++j)
      for (int i = 0; i < 5; ++i) {
        double tucker = 0.0, canonical = 0.0;
        for (int c = 0; c < 2; ++c)
          for (int b = 0; b < 3; ++b)
            for (int a = 0; a < 2; ++a)
              tucker += t.core(a + 2 * (b + 3 * c)) * t.factors[0](i, a) * t.factors[1](j, b) * t.factors[2](k, c);
        for (int r = 0; r < 7; ++r)
          canonical += cp.weights(r) * cp.factors[0](i, r) * cp.factors[1](j, r) * cp.factors[2](k, r);
        EXPECT_NEAR(ft.values(i + 5 * (j + 4 * k)), tucker, 1e-14);
        EXPECT_NEAR(fc.values(i + 5 * (j + 4 * k)), canonical, 1e-14);
      }
  // Order 2 and the middle-mode product.
  const CpTensor cp2{{random_matrix(3, 4, 9), random_matrix(5, 4, 10)}, Eigen::VectorXd::Ones(4)};
  const Eigen::MatrixXd expected = cp2.factors[0] * cp2.factors[1].transpose();
  EXPECT_LT((assemble(cp2).values - expected.reshaped()).norm(), 1e-14);
  const Eigen::MatrixXd m = random_matrix(3, 4, 11);
  const FullTensor y = mode_product(fc, 1, m);
  for (int k = 0; k < 6; ++k)
    for (int j = 0; j < 3; ++j)
      for (int i = 0; i < 5; ++i) {
        double sum = 0.0;
        for (int l = 0; l < 4; ++l) sum += m(j, l) * fc.values(i + 5 * (l + 4 * k));
        EXPECT_NEAR(y.values(i + 5 * (j + 3 * k)), sum, 1e-14);
      }
}

// ‖A − Â‖ ≤ sqrt(Σ discarded σ²) = error_bound ≤ rel_tol ‖A‖, for tolerances
// from coarse to near round-off; factors orthonormal; ranks grow as rel_tol falls.
TEST(Tucker, HosvdErrorBoundHolds) {
  const FullTensor a = smooth_tensor(30, 25, 20);
  int previous_rank = 0;
  for (double tol : {1e-2, 1e-4, 1e-6, 1e-8, 1e-10}) {
    const TuckerTensor t = hosvd(a, tol);
    const double error = (assemble(t).values - a.values).norm();
    EXPECT_LE(error, t.error_bound * (1 + 1e-6) + 1e-13 * a.norm()) << "tol " << tol;
    EXPECT_LE(t.error_bound, tol * a.norm()) << "tol " << tol;
    // Equal shares per mode: each truncation alone uses at most tol²/3 of the budget.
    for (int m = 0; m < 3; ++m) {
      EXPECT_LT((t.factors[m].transpose() * t.factors[m] - Eigen::MatrixXd::Identity(t.ranks()[m], t.ranks()[m]))
                    .cwiseAbs()
                    .maxCoeff(),
                1e-13);
      ASSERT_EQ(t.singular_values[m].size(), a.shape[m]);
    }
    EXPECT_NEAR(t.singular_values[0].norm(), a.norm(), 1e-12 * a.norm());
    const int rank = t.ranks()[0] + t.ranks()[1] + t.ranks()[2];
    EXPECT_GE(rank, previous_rank);
    previous_rank = rank;
  }
  // A tensor of exact multilinear rank (2, 3, 4) is recovered to round-off at those ranks.
  const TuckerTensor exact{{random_matrix(9, 2, 1), random_matrix(8, 3, 2), random_matrix(7, 4, 3)},
                           random_matrix(24, 1, 4).col(0)};
  const FullTensor b = assemble(exact);
  const TuckerTensor fixed = hosvd(b, std::vector<int>{2, 3, 4});
  EXPECT_LT(relative_error(assemble(fixed).values, b.values), 1e-13);
  EXPECT_EQ(hosvd(b, 1e-10).ranks(), (std::vector<int>{2, 3, 4}));
}

// Each ALS step maximises ‖core‖ over one factor with the others fixed, so the
// error after every sweep is at most the one before (up to round-off).
TEST(Tucker, HooiDoesNotIncreaseError) {
  const FullTensor a = smooth_tensor(24, 20, 16);
  const TuckerTensor start = hosvd(a, std::vector<int>{3, 3, 3});
  double previous = (assemble(start).values - a.values).norm();
  for (int sweeps = 1; sweeps <= 4; ++sweeps) {
    const TuckerTensor t = hooi(a, start, sweeps);
    const double error = (assemble(t).values - a.values).norm();
    EXPECT_LE(error, previous * (1 + 1e-12)) << sweeps << " sweeps";
    EXPECT_NEAR(t.error_bound, error, 1e-12 * a.norm());
    EXPECT_EQ(t.ranks(), start.ranks());
    previous = error;
  }
  EXPECT_THROW(hooi(smooth_tensor(24, 20, 15), start, 1), InputError);
  // Order 2: the HOSVD at fixed ranks is already the truncated SVD, which HOOI keeps.
  const FullTensor m = sample_grid({Eigen::VectorXd::LinSpaced(30, 0, 1), Eigen::VectorXd::LinSpaced(20, 0, 1)},
                                   [](double x, double y, double) { return 1.0 / (0.2 + x + y); });
  const TuckerTensor svd = hosvd(m, std::vector<int>{3, 3});
  const double svd_error = (assemble(svd).values - m.values).norm();
  EXPECT_NEAR(hooi(m, svd, 2).error_bound, svd_error, 1e-12 * m.norm());
}

TEST(Tucker, RecompressAddAndScale) {
  const FullTensor a = smooth_tensor(20, 18, 16);
  const FullTensor b = sample_grid({Eigen::VectorXd::LinSpaced(20, 0, 1), Eigen::VectorXd::LinSpaced(18, 0, 2),
                                    Eigen::VectorXd::LinSpaced(16, 0, 1)},
                                   [](double x, double y, double z) { return std::exp(-x * y) * std::cos(z); });
  const TuckerTensor ta = hosvd(a, 1e-10), tb = hosvd(b, 1e-10);
  const TuckerTensor sum = add(ta, tb, 1e-9);
  Eigen::VectorXd exact = a.values + b.values;
  EXPECT_LT(relative_error(assemble(sum).values, exact), 2e-9);
  // a + a needs no more than a's ranks: the concatenated factors are rank deficient.
  const TuckerTensor twice = add(ta, ta, 1e-9);
  for (int m = 0; m < 3; ++m) EXPECT_LE(twice.ranks()[m], ta.ranks()[m]);
  EXPECT_LT(relative_error(assemble(twice).values, 2 * a.values), 2e-9);
  EXPECT_LT(relative_error(assemble(scale(ta, -3.0)).values, -3 * a.values), 1e-9);
  // Recompressing to a coarser tolerance lowers the ranks and respects the bound.
  const TuckerTensor coarse = recompress(ta, 1e-4);
  EXPECT_LE((assemble(coarse).values - assemble(ta).values).norm(), coarse.error_bound * (1 + 1e-6));
  EXPECT_LE(coarse.error_bound, 1e-4 * ta.norm() * (1 + 1e-12));
  EXPECT_LT(coarse.ranks()[0], ta.ranks()[0]);
  // 2D as well.
  const FullTensor c = sample_grid({Eigen::VectorXd::LinSpaced(30, 0, 1), Eigen::VectorXd::LinSpaced(25, 0, 1)},
                                   [](double x, double y, double) { return 1.0 / (1 + x + y); });
  const TuckerTensor tc = hosvd(c, 1e-12);
  EXPECT_LT(relative_error(assemble(add(tc, scale(tc, 0.5), 1e-11)).values, 1.5 * c.values), 2e-11);
}

TEST(Tucker, RejectsInconsistentInput) {
  EXPECT_THROW(hosvd(FullTensor({4, 5, 6, 2}), 1e-3), InputError);
  FullTensor wrong({4, 5});
  wrong.values.resize(19);
  EXPECT_THROW(hosvd(wrong, 1e-3), InputError);
  EXPECT_THROW(hosvd(smooth_tensor(4, 4, 4), 1.5), InputError);
  EXPECT_THROW(hosvd(smooth_tensor(4, 4, 4), std::vector<int>{2, 2}), InputError);
  EXPECT_THROW(hosvd(smooth_tensor(4, 4, 4), std::vector<int>{2, 0, 2}), InputError);
  const TuckerTensor bad_core{{random_matrix(4, 2, 1), random_matrix(4, 2, 2)}, Eigen::VectorXd::Ones(3)};
  EXPECT_THROW(assemble(bad_core), InputError);
  const TuckerTensor t3 = hosvd(smooth_tensor(4, 4, 4), 1e-3);
  EXPECT_THROW(add(t3, hosvd(smooth_tensor(4, 5, 4), 1e-3), 1e-3), InputError);
  EXPECT_THROW(mode_product(smooth_tensor(4, 4, 4), 1, Eigen::MatrixXd::Ones(2, 3)), InputError);
}

}  // namespace
}  // namespace ff::tensor
