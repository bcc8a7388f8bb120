// Cell grids with obstacles, the pressure Laplacian on them, right-hand
// sides and the Lanczos Ritz pairs (solvers/obstacles).
#include "core/error.hpp"
#include "solvers/obstacles/divergence_source.hpp"
#include "solvers/obstacles/lanczos.hpp"
#include "solvers/obstacles/obstacle_layout.hpp"

#include <gtest/gtest.h>
#include <Eigen/Dense>

#include <numeric>

namespace ff::obstacles {
namespace {

Eigen::MatrixXd dense(const PressureLaplacian& A) {
  Eigen::MatrixXd M = Eigen::MatrixXd::Zero(A.size(), A.size());
  for (long i = 0; i < A.size(); ++i)
    for (long k = A.row_start()[i]; k < A.row_start()[i + 1]; ++k) M(i, A.columns()[k]) = A.values()[k];
  return M;
}

CellGrid grid_with_box(int dim, long n) {
  CellGrid grid(dim, n);
  add_box(grid, {{0.3, 0.3, 0.3}, {0.6, 0.7, 0.6}});
  return grid;
}

TEST(PressureLaplacian, SymmetricPositiveDefiniteWithDirichletRowsOnTop) {
  for (auto boundary : {PressureBoundary::open_top, PressureBoundary::pinned}) {
    const PressureLaplacian A(grid_with_box(2, 8), boundary);
    const Eigen::MatrixXd M = dense(A);
    EXPECT_EQ((M - M.transpose()).norm(), 0.0);
    EXPECT_GT(Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(M).eigenvalues().minCoeff(), 1e-6);
    // Row sums: the Dirichlet faces (top cells, or the pinned one); 0 elsewhere.
    const Eigen::VectorXd sums = M.rowwise().sum();
    for (long i = 0; i < A.size(); ++i) {
      const long cell = A.cell_of_unknown()[i];
      const bool top = A.grid().coordinates(cell)[0] == 7;
      const double expected = boundary == PressureBoundary::open_top ? (top ? 1.0 : 0.0) : (i == 0 ? 1.0 : 0.0);
      EXPECT_EQ(sums[i], expected) << "cell " << cell;
    }
  }
}

TEST(PressureLaplacian, SolidCellsAreNotUnknowns) {
  const PressureLaplacian A(grid_with_box(3, 10), PressureBoundary::open_top);
  EXPECT_EQ(A.size() + A.grid().solid_count(), 1000);
  EXPECT_GT(A.grid().solid_count(), 0);
  for (long cell : A.cell_of_unknown()) EXPECT_FALSE(A.grid().solid(cell));
}

TEST(PressureLaplacian, FluidCutOffFromTheOpenTopIsAnInputError) {
  CellGrid grid(2, 10);
  for (long j = 0; j < 10; ++j) grid.set_solid(grid.index({5, j, 0}));  // a solid floor across the box
  EXPECT_EQ(isolated_fluid_regions(grid, PressureBoundary::open_top).size(), 1u);
  try {
    PressureLaplacian A(grid, PressureBoundary::open_top);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("cut off from the open top"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("50 cells"), std::string::npos) << e.what();
  }
  EXPECT_EQ(fill_isolated_fluid(grid, PressureBoundary::open_top), 50);
  EXPECT_NO_THROW(PressureLaplacian(grid, PressureBoundary::open_top));
}

TEST(RandomObstacles, ReachTheSolidFractionAndLeaveNoPockets) {
  for (long layout = 0; layout < 4; ++layout) {
    CellGrid grid(3, 24);
    RandomObstacles options;
    add_random_obstacles(grid, options, PressureBoundary::open_top, 7, layout);
    const double fraction = static_cast<double>(grid.solid_count()) / grid.cells();
    EXPECT_GE(fraction, options.solid_fraction);
    EXPECT_LT(fraction, 0.3);
    EXPECT_TRUE(isolated_fluid_regions(grid, PressureBoundary::open_top).empty());
    for (long cell = 0; cell < grid.cells(); ++cell)  // the top layer stays open
      if (grid.coordinates(cell)[0] == 23) EXPECT_FALSE(grid.solid(cell));
  }
}

TEST(DivergenceSource, ClosedBoxRightHandSidesSumToZero) {
  // With no-flux walls all around, b = -h div u integrates to zero: the
  // compatibility condition of the pure Neumann problem.
  const PressureLaplacian A(grid_with_box(3, 12), PressureBoundary::pinned);
  const std::vector<double> b = divergence_rhs(A, {}, 3, 0);
  const double sum = std::accumulate(b.begin(), b.end(), 0.0);
  double norm = 0;
  for (double v : b) norm += v * v;
  EXPECT_LT(std::abs(sum), 1e-12 * std::sqrt(norm) * b.size());
  EXPECT_GT(norm, 0.0);
}

TEST(Lanczos, FullRunGivesTheEigenpairs) {
  const PressureLaplacian A(grid_with_box(2, 7), PressureBoundary::open_top);
  LanczosOptions options;
  options.steps = A.size();
  const RitzPairs pairs = lanczos_ritz_pairs(A, options, 11);
  const Eigen::VectorXd exact = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(dense(A)).eigenvalues();
  ASSERT_EQ(static_cast<long>(pairs.values.size()), A.size());
  // The basis is kept (and reorthogonalized) in float32: Ritz values carry
  // errors of order float epsilon times the norm.
  for (long k = 0; k < A.size(); ++k) EXPECT_NEAR(pairs.values[k], exact[k], 1e-6 * exact[A.size() - 1]);
  // Float32 vectors: A v = θ v and orthonormality to single precision.
  const Eigen::MatrixXd V = pairs.vectors.cast<double>();
  EXPECT_LT((V.transpose() * V - Eigen::MatrixXd::Identity(A.size(), A.size())).cwiseAbs().maxCoeff(), 1e-5);
  for (long k = 0; k < A.size(); ++k)
    EXPECT_LT((dense(A) * V.col(k) - pairs.values[k] * V.col(k)).norm(), 1e-5 * exact[A.size() - 1]);
}

TEST(Lanczos, ShortRunFindsTheExtremesFirst) {
  const PressureLaplacian A(grid_with_box(2, 16), PressureBoundary::open_top);
  LanczosOptions options;
  options.steps = 60;
  const RitzPairs pairs = lanczos_ritz_pairs(A, options, 5);
  const Eigen::VectorXd exact = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(dense(A)).eigenvalues();
  EXPECT_NEAR(pairs.values.back(), exact[A.size() - 1], 1e-6 * exact[A.size() - 1]);
  EXPECT_NEAR(pairs.values.front(), exact[0], 1e-4 * exact[0]);
  for (double theta : pairs.values) {
    EXPECT_GE(theta, exact[0] * (1 - 1e-9));
    EXPECT_LE(theta, exact[A.size() - 1] * (1 + 1e-9));
  }
}

}  // namespace
}  // namespace ff::obstacles
