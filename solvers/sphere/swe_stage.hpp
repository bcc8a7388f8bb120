// Stage `generate.swe`: shallow-water trajectories on the rotating sphere from
// random balanced initial states, solved spectrally on a Gauss grid and
// stored, as the spectral state synthesized there, on an equiangular or
// Gauss grid of the user's size.
#pragma once

#include "io/dataset_layout.hpp"
#include "io/stage.hpp"
#include "solvers/sphere/random_flow.hpp"
#include "solvers/sphere/shallow_water.hpp"
#include "solvers/sphere/sphere_grid.hpp"

#include <filesystem>

namespace ff::sphere {

class ShallowWaterStage : public Stage {
 public:
  static constexpr const char* type = "generate.swe";
  static constexpr Parallelism parallelism = Parallelism::samples;
  static constexpr const char* summary =
      "shallow water on the rotating sphere from random balanced states: /outputs/h, /outputs/vorticity, "
      "/outputs/divergence [times] on a sphere grid";
  static constexpr int version = 1;
  static Schema schema();

  explicit ShallowWaterStage(const StageConfig& config);
  void run(const RunContext& context) override;

 private:
  ShallowWaterOptions solver_;
  RandomFlowOptions initial_;
  GridKind store_kind_ = GridKind::equiangular;
  int store_nlat_ = 0, store_nlon_ = 0;
  long steps_per_record_ = 0, records_ = 0, spinup_steps_ = 0;
  long train_ = 0, test_ = 0;
  DType dtype_ = DType::float32;
  std::filesystem::path out_;
};

}  // namespace ff::sphere
