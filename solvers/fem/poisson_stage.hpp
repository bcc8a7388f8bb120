// Stage `solve.poisson`: one solve of −∇·(a∇u) = f with u = g on (parts of)
// the boundary, on a box mesh or a Gmsh file, written as a mesh dataset
// (/grid kind mesh, /mesh/nodes, /mesh/cells, /inputs/a, /outputs/u, the
// Krylov residual history, iterations and timings in /solver/residual_history)
// with an XDMF sidecar for ParaView. The coefficient a is a constant, a
// Gaussian random field (thresholded to two values as in the FNO Darcy
// protocol, or exponentiated) or a nodal field of an earlier mesh dataset.
// This header stays free of PETSc so the stage registry can include it.
#pragma once

#include "io/stage.hpp"
#include "solvers/fem/coefficient_source.hpp"
#include "solvers/fem/stage_inputs.hpp"
#include "solvers/linear/krylov_options.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace ff::fem {

class PoissonStage : public Stage {
 public:
  static constexpr const char* type = "solve.poisson";
  static constexpr Parallelism parallelism = Parallelism::domain;
  static constexpr const char* summary =
      "-div(a grad u) = f by finite elements on a box or a Gmsh mesh, u = g on named boundary parts: "
      "/mesh/nodes, /mesh/cells, /inputs/a, /outputs/u with an XDMF sidecar";
  static constexpr int version = 1;
  static Schema schema();

  explicit PoissonStage(const StageConfig& config);
  void run(const RunContext& context) override;

 private:
  MeshKeys mesh_;

  int degree_ = 1;
  CoefficientSource coefficient_;
  double source_ = 1;
  std::vector<std::string> dirichlet_parts_;  // empty: the whole boundary
  std::vector<double> dirichlet_values_;      // one per part, or one for all
  linear::KrylovOptions solver_;
  DType dtype_ = DType::float32;
  std::filesystem::path output_;
};

}  // namespace ff::fem
