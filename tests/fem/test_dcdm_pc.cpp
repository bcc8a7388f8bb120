// The PETSc preconditioner type `dcdm`: flexible CG with it takes the
// steps of the LibTorch DCDM solver (same residual history and iterate) with
// the same network and the same number of kept directions, also with the matrix distributed over ranks
// (mpi.dcdm_pc_distributed runs this under mpiexec -n 2); without a model
// file it fails with a message.
#include "../unit/temp_dir.hpp"
#include "core/error.hpp"
#include "operators/dcdm/dcdm_model.hpp"
#include "operators/dcdm/dcdm_solver.hpp"
#include "operators/models/dcdm/family.hpp"
#include "operators/training/checkpoint.hpp"
#include "solvers/linear/dcdm/dcdm_pc.hpp"
#include "solvers/linear/dcdm/pressure_matrix.hpp"
#include "solvers/linear/krylov.hpp"
#include "solvers/linear/petsc_check.hpp"
#include "solvers/obstacles/divergence_source.hpp"
#include "solvers/obstacles/obstacle_layout.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <memory>
#include <string>

namespace ff::linear {
namespace {

// A 24^2 problem with obstacles and an untrained (seeded) network saved as a checkpoint.
obstacles::PressureLaplacian small_problem() {
  obstacles::CellGrid grid(2, 24);
  obstacles::add_random_obstacles(grid, {}, obstacles::PressureBoundary::open_top, 1, 0);
  return obstacles::PressureLaplacian(std::move(grid), obstacles::PressureBoundary::open_top);
}

void save_network(const std::filesystem::path& path) {
  operators::DcdmNetOptions options{{2, 2}, 4};
  torch::manual_seed(3);
  operators::DcdmNet net(options, 2);
  operators::CheckpointHeader header;
  header.model = "kind: dcdm\n" + operators::dcdm_net_options().write(options);
  header.data = {1, 1, 2};
  header.input = operators::kDcdmInput;
  header.target = operators::kDcdmTarget;
  operators::CheckpointWriter(header).model(*net).save(path);
}

KrylovResult petsc_solve(const obstacles::PressureLaplacian& matrix, const std::vector<double>& b,
                         const std::string& options, std::vector<double>& x_out) {
  const auto A = assemble_pressure_matrix(matrix, PETSC_COMM_WORLD);
  auto rhs = distributed_vector(A, b);
  PetscHandle<Vec, VecDestroy> x;
  FF_PETSC(VecDuplicate(rhs, x.out()));
  KrylovOptions krylov;
  krylov.ksp_type = "fcg";
  krylov.pc_type = "dcdm";
  krylov.rtol = 1e-6;
  krylov.max_it = 400;
  krylov.options = options;
  KrylovSolver solver(PETSC_COMM_WORLD, krylov);
  solver.set_operator(A);
  solver.on_configured([&](KSP ksp) {
    PC pc = nullptr;
    FF_PETSC(KSPGetPC(ksp, &pc));
    set_dcdm_layout(pc, matrix.grid().shape(), matrix.cell_of_unknown());
  });
  const KrylovResult result = solver.solve(rhs, x);
  x_out = gathered_values(x);
  return result;
}

// The relative residual history of `iterations` FCG steps with PC dcdm.
// The layout comes from set_dcdm_layout, or from -pc_dcdm_grid N when `grid_option`.
std::vector<double> fcg_history(const obstacles::PressureLaplacian& matrix, const std::vector<double>& b,
                                const std::filesystem::path& model, long iterations, std::vector<double>& x_out,
                                bool grid_option = false) {
  const auto A = assemble_pressure_matrix(matrix, PETSC_COMM_WORLD);
  auto rhs = distributed_vector(A, b);
  PetscHandle<Vec, VecDestroy> x;
  FF_PETSC(VecDuplicate(rhs, x.out()));
  PetscHandle<KSP, KSPDestroy> ksp;
  FF_PETSC(KSPCreate(PETSC_COMM_WORLD, ksp.out()));
  FF_PETSC(KSPSetOptionsPrefix(ksp, "dcdm_test_"));
  FF_PETSC(PetscOptionsSetValue(nullptr, "-dcdm_test_pc_dcdm_model", model.c_str()));
  if (grid_option)
    FF_PETSC(PetscOptionsSetValue(nullptr, "-dcdm_test_pc_dcdm_grid", std::to_string(matrix.grid().n()).c_str()));
  FF_PETSC(KSPSetOperators(ksp, A, A));
  FF_PETSC(KSPSetType(ksp, KSPFCG));
  FF_PETSC(KSPFCGSetMmax(ksp, 2));
  FF_PETSC(KSPFCGSetTruncationType(ksp, KSP_FCD_TRUNC_TYPE_STANDARD));  // the last mmax directions, as dcdm_solve
  FF_PETSC(KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED));
  FF_PETSC(KSPSetTolerances(ksp, 1e-14, 1e-50, PETSC_DEFAULT, static_cast<PetscInt>(iterations)));
  FF_PETSC(KSPSetResidualHistory(ksp, nullptr, PETSC_DECIDE, PETSC_TRUE));
  PC pc = nullptr;
  FF_PETSC(KSPGetPC(ksp, &pc));
  FF_PETSC(PCSetType(pc, "dcdm"));
  if (!grid_option) set_dcdm_layout(pc, matrix.grid().shape(), matrix.cell_of_unknown());
  FF_PETSC(KSPSolve(ksp, rhs, x));
  FF_PETSC(PetscOptionsClearValue(nullptr, "-dcdm_test_pc_dcdm_model"));
  FF_PETSC(PetscOptionsClearValue(nullptr, "-dcdm_test_pc_dcdm_grid"));
  const PetscReal* history = nullptr;
  PetscInt length = 0;
  FF_PETSC(KSPGetResidualHistory(ksp, &history, &length));
  std::vector<double> relative;
  for (PetscInt k = 0; k < length; ++k) relative.push_back(history[k] / history[0]);
  x_out = gathered_values(x);
  return relative;
}

// A network file that every rank reads: rank 0 makes a fresh folder, saves
// the network there and tells the others the path.
class SharedNetwork {
 public:
  SharedNetwork() {
    MPI_Comm_rank(PETSC_COMM_WORLD, &rank_);
    std::string path;
    if (rank_ == 0) {
      folder_ = std::make_unique<test::TempDir>();
      path = (*folder_ / "dcdm.pt").string();
      save_network(path);
    }
    int length = static_cast<int>(path.size());
    MPI_Bcast(&length, 1, MPI_INT, 0, PETSC_COMM_WORLD);
    path.resize(length);
    MPI_Bcast(path.data(), length, MPI_CHAR, 0, PETSC_COMM_WORLD);
    path_ = path;
  }
  ~SharedNetwork() { MPI_Barrier(PETSC_COMM_WORLD); }  // nobody reads it any more when rank 0 removes it
  const std::filesystem::path& path() const { return path_; }

 private:
  int rank_ = 0;
  std::unique_ptr<test::TempDir> folder_;
  std::filesystem::path path_;
};

TEST(DcdmPc, FlexibleCgMatchesTheLibTorchSolver) {
  ASSERT_EQ(register_dcdm_pc(), 0);
  const SharedNetwork network_file;
  const std::filesystem::path& model = network_file.path();

  // An untrained network converges slowly; 12 steps are enough to compare.
  const long steps = 12;
  const obstacles::PressureLaplacian matrix = small_problem();
  const std::vector<double> b = obstacles::divergence_rhs(matrix, {}, 1, 0);
  std::vector<double> x_petsc;
  const std::vector<double> petsc = fcg_history(matrix, b, model, steps, x_petsc);

  const operators::DcdmNetwork network = operators::load_dcdm_network(model, "cpu");
  const operators::GridLaplacian A(matrix, torch::kFloat64, torch::kCPU);
  const torch::Tensor rhs = A.to_grid(b);
  torch::Tensor x = torch::zeros_like(rhs);
  operators::DcdmOptions options;
  options.rtol = 1e-14;
  options.max_iterations = steps;
  const operators::DcdmResult own =
      operators::dcdm_solve(A, rhs, x, operators::network_directions(network.module, A.fluid()), options);
  ASSERT_EQ(own.fallbacks, 0);
  ASSERT_EQ(petsc.size(), own.relative_residuals.size());
  for (std::size_t k = 0; k < petsc.size(); ++k)
    EXPECT_NEAR(petsc[k], own.relative_residuals[k], 1e-6 * own.relative_residuals[k]) << "iteration " << k;
  const std::vector<double> x_own = A.to_unknowns(x);
  double difference = 0, norm = 0;
  for (std::size_t i = 0; i < x_own.size(); ++i) {
    difference += (x_own[i] - x_petsc[i]) * (x_own[i] - x_petsc[i]);
    norm += x_own[i] * x_own[i];
  }
  // The two normalize the residual in different orders before rounding it
  // to float32 for the network: the iterates agree to float32 round-off
  // amplified over the steps.
  EXPECT_LT(std::sqrt(difference / norm), 1e-5);
}

TEST(DcdmPc, GridOptionServesWhenEveryCellIsAnUnknown) {
  // No obstacles: -pc_dcdm_grid N gives the same layout as set_dcdm_layout.
  ASSERT_EQ(register_dcdm_pc(), 0);
  const SharedNetwork network_file;
  const obstacles::PressureLaplacian matrix(obstacles::CellGrid(2, 16), obstacles::PressureBoundary::open_top);
  const std::vector<double> b = obstacles::divergence_rhs(matrix, {}, 2, 0);
  std::vector<double> x_layout, x_option;
  const std::vector<double> with_layout = fcg_history(matrix, b, network_file.path(), 8, x_layout);
  const std::vector<double> with_option = fcg_history(matrix, b, network_file.path(), 8, x_option, true);
  ASSERT_EQ(with_layout.size(), with_option.size());
  for (std::size_t k = 0; k < with_layout.size(); ++k) EXPECT_EQ(with_layout[k], with_option[k]) << k;
}

TEST(DcdmPc, MissingModelIsAnError) {
  ASSERT_EQ(register_dcdm_pc(), 0);
  const obstacles::PressureLaplacian matrix = small_problem();
  std::vector<double> x;
  try {
    petsc_solve(matrix, std::vector<double>(matrix.size(), 1.0), "", x);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("-pc_dcdm_model"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ff::linear
