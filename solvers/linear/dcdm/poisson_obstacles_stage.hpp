// Stage `solve.poisson_obstacles`: pressure Poisson solves on cell grids
// with random obstacles (solvers/obstacles), one per listed layout with the
// right-hand side −h²·div u of a random smooth velocity, by
//   petsc: any PETSc KSP/PC on the assembled AIJ matrix (the `petsc:` map;
//          pc_type dcdm with -pc_dcdm_model runs the network inside FCG),
//   dcdm:  the LibTorch DCDM solver with a train.dcdm checkpoint,
//   cg:    LibTorch conjugate gradients on the same matrix-free operator.
// Writes /inputs/solid, /inputs/b, /outputs/p per layout with iterations,
// seconds (preconditioner setup and solve; network time apart), the true
// relative residual and the DCDM steps that fell back to the residual in
// /params, and every solve's residual history to a CSV. This header stays free of PETSc and LibTorch.
#pragma once

#include "io/stage.hpp"

#include <memory>

namespace ff::linear {

class PoissonObstaclesStage : public Stage {
 public:
  static constexpr const char* type = "solve.poisson_obstacles";
  static constexpr Parallelism parallelism = Parallelism::domain;
  static constexpr const char* summary =
      "pressure Poisson on cell grids with random obstacles by PETSc (any KSP/PC, pc dcdm too), the LibTorch DCDM "
      "solver or LibTorch CG: /inputs/solid, /inputs/b, /outputs/p, iterations, residual histories";
  static constexpr int version = 1;
  static Schema schema();

  explicit PoissonObstaclesStage(const StageConfig& config);
  ~PoissonObstaclesStage() override;
  void run(const RunContext& context) override;

  struct Settings;

 private:
  std::unique_ptr<Settings> settings_;
};

}  // namespace ff::linear
