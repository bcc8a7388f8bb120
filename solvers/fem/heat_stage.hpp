// Stage `solve.heat`: the heat equation c ∂u/∂t − ∇·(k∇u) = f(t) by finite
// elements and the θ-scheme (solvers/fem/heat.hpp), on a box mesh or a Gmsh
// file, with Dirichlet, Neumann and Robin conditions on named boundary parts
// (insulated elsewhere). Writes a mesh dataset: /mesh/nodes, /mesh/cells,
// /outputs/u [1, n_times, n_nodes] at /times, the Krylov iterations of every
// step in /outputs/krylov_iterations [1, steps], and an XDMF sidecar.
// Data are constants, the source with a closed-form time profile.
// This header stays free of PETSc so the stage registry can include it.
#pragma once

#include "io/stage.hpp"
#include "solvers/fem/stage_inputs.hpp"
#include "solvers/linear/krylov_options.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace ff::fem {

// One kind of boundary condition on a list of parts, with its data given
// once for all of them or once per part.
struct HeatConditionKeys {
  std::vector<std::string> parts;
  std::vector<double> values;  // g (Dirichlet), q (Neumann) or u_inf (Robin)
  std::vector<double> h;       // Robin only
};

class HeatStage : public Stage {
 public:
  static constexpr const char* type = "solve.heat";
  static constexpr Parallelism parallelism = Parallelism::domain;
  static constexpr const char* summary =
      "heat equation c du/dt - div(k grad u) = f(t) by finite elements and the theta-scheme on a box or a Gmsh mesh, "
      "Dirichlet/Neumann/Robin conditions on named boundary parts: /mesh, /outputs/u [1, n_times, n_nodes], /times";
  static constexpr int version = 1;
  static Schema schema();

  explicit HeatStage(const StageConfig& config);
  void run(const RunContext& context) override;

 private:
  MeshKeys mesh_;

  int degree_ = 1;
  double theta_ = 0.5, dt_ = 0.01;
  long steps_ = 100, store_every_ = 10;
  double conductivity_ = 1, capacity_ = 1, initial_ = 0;
  double source_ = 0, source_rate_ = 1;
  std::string source_profile_ = "constant";
  HeatConditionKeys dirichlet_, neumann_, robin_;
  linear::KrylovOptions solver_;
  DType dtype_ = DType::float32;
  std::filesystem::path output_;
};

}  // namespace ff::fem
