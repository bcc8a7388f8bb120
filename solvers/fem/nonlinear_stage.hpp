// Stage `solve.nonlinear`: nonlinear diffusion −∇·(k(u)∇u) = f on a box,
// u = g on its boundary, with k(u) = k0 (1 + β u²) or k0 exp(β u) (heat
// conduction with a temperature-dependent conductivity), by finite elements
// and Newton's method (PETSc SNES). Logs every Newton iteration's residual
// norm and its ratio to the previous one (quadratic convergence shows as
// r_k / r_{k-1}² staying bounded while the residual falls), and writes
// /outputs/u [1, n_nodes] on a mesh grid, with /mesh/nodes, /mesh/cells and
// an XDMF sidecar, and /solver/residual_history [1, iterations + 1] (‖F(u_k)‖
// per Newton iteration) whose attributes, as u's, hold the Newton and the
// total Krylov iteration counts. This header stays free of PETSc so the stage
// registry can include it.
#pragma once

#include "io/stage.hpp"
#include "solvers/fem/box_mesh_options.hpp"
#include "solvers/linear/newton_options.hpp"

#include <filesystem>
#include <string>

namespace ff::fem {

class NonlinearStage : public Stage {
 public:
  static constexpr const char* type = "solve.nonlinear";
  static constexpr Parallelism parallelism = Parallelism::domain;
  static constexpr const char* summary =
      "nonlinear diffusion -div(k(u) grad u) = f on a box, k = k0 (1 + beta u^2) or k0 exp(beta u), u = g on the "
      "boundary, by finite elements and Newton (PETSc SNES): /outputs/u [1, n_nodes] on the mesh, "
      "/solver/residual_history";
  static constexpr int version = 1;
  static Schema schema();

  explicit NonlinearStage(const StageConfig& config);
  void run(const RunContext& context) override;

 private:
  BoxMeshOptions box_;
  int degree_ = 1;
  std::string law_;  // "quadratic" | "exponential"
  double k0_ = 1, beta_ = 1;
  double source_ = 1, boundary_ = 0;
  linear::NewtonOptions solver_;
  DType dtype_ = DType::float32;
  std::filesystem::path out_;
};

}  // namespace ff::fem
