// The deep conjugate-direction method on the LibTorch side: the matrix-free
// operator, the solver's algebra (A-orthogonal directions, CG for f = I,
// one step for f = A^-1), the network, and training on a small problem.
#include "core/error.hpp"
#include "operators/dcdm/dcdm_solver.hpp"
#include "operators/dcdm/dcdm_training.hpp"
#include "operators/models/dcdm/dcdm_net.hpp"
#include "operators/models/registry.hpp"
#include "solvers/obstacles/divergence_source.hpp"
#include "solvers/obstacles/obstacle_layout.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <Eigen/SparseCholesky>

#include <cmath>

namespace ff::operators {
namespace {

obstacles::PressureLaplacian problem(int dim, long n, std::uint64_t layout = 0) {
  obstacles::CellGrid grid(dim, n);
  obstacles::add_random_obstacles(grid, {}, obstacles::PressureBoundary::open_top, 3, layout);
  return obstacles::PressureLaplacian(std::move(grid), obstacles::PressureBoundary::open_top);
}

torch::Tensor random_rhs(const GridLaplacian& A, int seed) {
  torch::manual_seed(seed);
  return torch::randn(A.shape(), torch::kFloat64) * A.fluid();
}

TEST(GridLaplacian, EqualsTheAssembledMatrix) {
  for (int dim : {2, 3}) {
    const auto matrix = problem(dim, dim == 2 ? 24 : 12);
    const GridLaplacian A(matrix, torch::kFloat64, torch::kCPU);
    std::vector<double> x(matrix.size()), y(matrix.size());
    for (long i = 0; i < matrix.size(); ++i) x[i] = std::sin(0.37 * i) + 0.1 * (i % 7);
    matrix.apply(x.data(), y.data());
    const std::vector<double> z = A.to_unknowns(A.apply(A.to_grid(x)));
    double max_difference = 0, max_value = 0;
    for (long i = 0; i < matrix.size(); ++i) {
      max_difference = std::max(max_difference, std::abs(y[i] - z[i]));
      max_value = std::max(max_value, std::abs(y[i]));
    }
    EXPECT_LT(max_difference, 1e-13 * max_value) << dim << "D";
    // And nothing leaks into solid cells.
    EXPECT_EQ((A.apply(A.to_grid(x)) * (1 - A.fluid())).abs().max().item<double>(), 0.0);
  }
}

TEST(DcdmSolver, IdentityDirectionsReproduceConjugateGradients) {
  const auto matrix = problem(2, 32);
  const GridLaplacian A(matrix, torch::kFloat64, torch::kCPU);
  const torch::Tensor b = random_rhs(A, 1);
  DcdmOptions options;
  options.rtol = 1e-8;
  torch::Tensor x_cg = torch::zeros_like(b), x_dcdm = torch::zeros_like(b);
  const DcdmResult cg = conjugate_gradient(A, b, x_cg, options);
  const DcdmResult dcdm = dcdm_solve(
      A, b, x_dcdm, [](const torch::Tensor& r) { return r; }, options);
  ASSERT_TRUE(cg.converged);
  ASSERT_TRUE(dcdm.converged);
  EXPECT_LE(std::abs(cg.iterations - dcdm.iterations), 1);
  // The histories agree until round-off separates the recurrences.
  ASSERT_GT(cg.relative_residuals.size(), 30u);
  ASSERT_GT(dcdm.relative_residuals.size(), 30u);
  for (long k = 0; k < 30; ++k)
    EXPECT_NEAR(dcdm.relative_residuals[k], cg.relative_residuals[k], 1e-8 * cg.relative_residuals[k]) << k;
  EXPECT_LT((x_cg - x_dcdm).norm().item<double>(), 1e-6 * x_cg.norm().item<double>());
}

TEST(DcdmSolver, ExactInverseConvergesInOneIteration) {
  const auto matrix = problem(2, 16);
  Eigen::SparseMatrix<double> M(matrix.size(), matrix.size());
  std::vector<Eigen::Triplet<double>> entries;
  for (long i = 0; i < matrix.size(); ++i)
    for (long k = matrix.row_start()[i]; k < matrix.row_start()[i + 1]; ++k)
      entries.emplace_back(i, matrix.columns()[k], matrix.values()[k]);
  M.setFromTriplets(entries.begin(), entries.end());
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> inverse(M);
  const GridLaplacian A(matrix, torch::kFloat64, torch::kCPU);
  auto solve = [&](const torch::Tensor& r) {
    const std::vector<double> rhs = A.to_unknowns(r);
    const Eigen::VectorXd x = inverse.solve(Eigen::Map<const Eigen::VectorXd>(rhs.data(), matrix.size()));
    return A.to_grid(std::vector<double>(x.data(), x.data() + x.size()));
  };
  const torch::Tensor b = random_rhs(A, 2);
  torch::Tensor x = torch::zeros_like(b);
  DcdmOptions options;
  options.rtol = 1e-10;
  const DcdmResult result = dcdm_solve(A, b, x, solve, options);
  EXPECT_TRUE(result.converged);
  EXPECT_EQ(result.iterations, 1);
}

TEST(DcdmSolver, DirectionsAreAOrthogonalToTheirPredecessors) {
  const auto matrix = problem(3, 12);
  const GridLaplacian A(matrix, torch::kFloat64, torch::kCPU);
  const torch::Tensor b = random_rhs(A, 3);
  torch::Tensor x = torch::zeros_like(b);
  DcdmOptions options;
  options.max_iterations = 12;
  options.keep_directions = true;
  // A direction model that is not a linear preconditioner: the residual
  // plus a fixed perturbation, so orthogonality comes from the solver.
  torch::manual_seed(4);
  const torch::Tensor perturbation = torch::randn(A.shape(), torch::kFloat64);
  const DcdmResult result = dcdm_solve(
      A, b, x, [&](const torch::Tensor& r) { return r + 0.3 * perturbation * r.abs(); }, options);
  ASSERT_EQ(result.directions.size(), 12u);
  auto a_inner = [&](const torch::Tensor& u, const torch::Tensor& v) { return (u * A.apply(v)).sum().item<double>(); };
  for (std::size_t k = 1; k < result.directions.size(); ++k)
    for (std::size_t j = k >= 2 ? k - 2 : 0; j < k; ++j) {
      const double cosine = a_inner(result.directions[k], result.directions[j]) /
                            std::sqrt(a_inner(result.directions[k], result.directions[k]) *
                                      a_inner(result.directions[j], result.directions[j]));
      EXPECT_LT(std::abs(cosine), 1e-12) << k << ", " << j;
    }
}

TEST(DcdmNet, ThePapersParameterCounts) {
  EXPECT_EQ(DcdmNet(DcdmNetOptions{{4, 6}, 16}, 3)->parameter_count(), 97457);
  EXPECT_EQ(DcdmNet(DcdmNetOptions{{6, 10}, 16}, 3)->parameter_count(), 152881);
}

TEST(DcdmNet, DescribesItselfAndIsRebuiltFromTheDescription) {
  const auto config =
      model_registry().from_description("kind: dcdm\nconvs: [2, 3]\nfilters: 5\ninput_skip: true\n", "test");
  const auto back = model_registry().from_description(config->describe(), "test");
  EXPECT_EQ(back->describe(), config->describe());
  const BuiltModel built = back->build({1, 1, 3});
  EXPECT_EQ(built.counts.total, DcdmNet(DcdmNetOptions{{2, 3}, 5, true}, 3)->parameter_count());
  EXPECT_THROW(back->build({2, 1, 3}), InputError);  // one field in, one out
}

TEST(DcdmNet, InputSkipStartsFromTheResidual) {
  DcdmNetOptions options{{2, 2}, 4};
  options.input_skip = true;
  DcdmNet net(options, 3);
  {
    torch::NoGradGuard no_grad;
    for (auto& p : net->parameters()) p.zero_();
  }
  const torch::Tensor x = torch::randn({2, 1, 8, 8, 8});
  EXPECT_TRUE(torch::equal(net->forward(x), x));
}

TEST(DcdmNet, FullyConvolutionalAndShapeChecked) {
  DcdmNet net(DcdmNetOptions{{2, 2, 2}, 4}, 2);
  EXPECT_EQ(net->forward(torch::randn({2, 1, 16, 24})).sizes(), torch::IntArrayRef({2, 1, 16, 24}));
  EXPECT_THROW(net->forward(torch::randn({1, 1, 16, 18})), InputError);  // 3 levels need multiples of 4
}

TEST(DcdmSolver, SameHistoryOnOneAndTwoThreads) {
  // An untrained network: its directions are poor, so compare a fixed number
  // of iterations; threads may only change float32 round-off in the network.
  const auto matrix = problem(3, 16);
  const GridLaplacian A(matrix, torch::kFloat64, torch::kCPU);
  torch::manual_seed(5);
  DcdmNet net(DcdmNetOptions{{2, 2}, 8}, 3);
  const torch::Tensor b = random_rhs(A, 6);
  DcdmOptions options;
  options.rtol = 1e-12;
  options.max_iterations = 15;
  std::vector<std::vector<double>> histories;
  const int threads = torch::get_num_threads();
  for (int t : {1, 2}) {
    torch::set_num_threads(t);
    torch::Tensor x = torch::zeros_like(b);
    histories.push_back(
        dcdm_solve(A, b, x, network_directions(torch::nn::AnyModule(net), A.fluid()), options).relative_residuals);
  }
  torch::set_num_threads(threads);
  ASSERT_EQ(histories[0].size(), histories[1].size());
  for (std::size_t k = 0; k < histories[0].size(); ++k)
    EXPECT_NEAR(histories[0][k], histories[1][k], 1e-4 * histories[0][k]) << k;
}

TEST(DcdmTraining, ASmallNetworkLearnsBetterDirections) {
  // 2D, 32^2 with obstacles: after a short training the line-search loss on
  // held-out right-hand sides falls far below the untrained network's and
  // below that of the residual itself (one steepest-descent step), and the
  // safeguarded solver converges with the trained network.
  const auto matrix = problem(2, 32);
  obstacles::LanczosOptions lanczos;
  lanczos.steps = 300;
  const GridLaplacian A32(matrix, torch::kFloat32, torch::kCPU);
  RitzRhsOptions rhs_options;
  rhs_options.count = 420;
  const RitzRightHandSides rhs(obstacles::lanczos_ritz_pairs(matrix, lanczos, 9), A32, rhs_options, 9);
  torch::manual_seed(9);
  DcdmNet net(DcdmNetOptions{{2, 2, 2}, 16}, 2);
  DcdmTrainerOptions options;
  options.learning_rate = 2e-3;
  options.validation = 20;
  DcdmTrainer trainer(torch::nn::AnyModule(net), A32, rhs, options);
  const double untrained = trainer.validate();
  for (long epoch = 0; epoch < 6; ++epoch) trainer.train_epoch(epoch, 9);
  const double trained = trainer.validate();
  std::vector<long> held_out;
  for (long i = 400; i < 420; ++i) held_out.push_back(i);
  const torch::Tensor b_held_out = rhs.batch(held_out);
  const double steepest_descent = line_search_loss(A32, b_held_out, b_held_out).item<double>();
  EXPECT_LT(trained, 0.3 * untrained) << untrained << " -> " << trained;
  EXPECT_LT(trained, 0.5 * steepest_descent) << "trained " << trained << ", residual direction " << steepest_descent;

  const GridLaplacian A(matrix, torch::kFloat64, torch::kCPU);
  const torch::Tensor b = A.to_grid(obstacles::divergence_rhs(matrix, {}, 1, 0));
  DcdmOptions solve;
  solve.rtol = 1e-6;
  solve.max_iterations = 3000;
  solve.with_residual = true;
  torch::Tensor x = torch::zeros_like(b);
  const DcdmResult dcdm = dcdm_solve(A, b, x, network_directions(torch::nn::AnyModule(net), A.fluid()), solve);
  EXPECT_TRUE(dcdm.converged) << dcdm.relative_residuals.back();
  // ... in fewer steps than steepest descent (the residual as direction, nothing kept).
  DcdmOptions descent = solve;
  descent.directions = 0;
  descent.with_residual = false;
  torch::Tensor x_sd = torch::zeros_like(b);
  const DcdmResult sd = dcdm_solve(
      A, b, x_sd, [](const torch::Tensor& r) { return r; }, descent);
  EXPECT_LT(dcdm.iterations, sd.iterations) << "DCDM " << dcdm.iterations << ", steepest descent " << sd.iterations;
}

}  // namespace
}  // namespace ff::operators
