// Stage `solve.elasticity`: small-strain linear elasticity (plane strain in
// 2D) on a box mesh, by finite elements with dim components per node. The
// boundary conditions name sides of the box (left/right: x = lower/upper,
// bottom/top: y, front/back: z). Writes the displacement as /outputs/u
// [1, dim, n_nodes] on a mesh grid, with /mesh/nodes, /mesh/cells and an
// XDMF sidecar. This header stays free of PETSc so the stage registry can
// include it.
#pragma once

#include "io/stage.hpp"
#include "solvers/fem/box_mesh_options.hpp"
#include "solvers/linear/krylov_options.hpp"

#include <array>
#include <filesystem>
#include <string>
#include <vector>

namespace ff::fem {

class ElasticityStage : public Stage {
 public:
  static constexpr const char* type = "solve.elasticity";
  static constexpr Parallelism parallelism = Parallelism::domain;
  static constexpr const char* summary =
      "small-strain linear elasticity -div sigma(u) = f on a box (plane strain in 2D), by finite elements: "
      "/outputs/u [1, dim, n_nodes] on the mesh";
  static constexpr int version = 1;
  static Schema schema();

  explicit ElasticityStage(const StageConfig& config);
  void run(const RunContext& context) override;

 private:
  BoxMeshOptions box_;
  int degree_ = 1;
  double young_ = 1, poisson_ = 0.3;
  std::array<double, 3> body_force_{0, 0, 0};
  // Parts by condition: u = 0; u_c = 0 for component c; u = displacement; σn = traction.
  std::vector<std::string> clamped_;
  std::array<std::vector<std::string>, 3> fixed_component_;
  std::vector<std::string> displaced_, loaded_;
  std::array<double, 3> displacement_{0, 0, 0}, traction_{0, 0, 0};
  linear::KrylovOptions solver_;
  DType dtype_ = DType::float32;
  std::filesystem::path out_;
};

}  // namespace ff::fem
