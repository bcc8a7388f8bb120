// Stage `generate.burgers`: viscous Burgers datasets as in the FNO paper:
// initial conditions u0 drawn from a GRF, solutions at recorded times,
// solved on a fine grid and stored subsampled.
#pragma once

#include "io/stage.hpp"
#include "solvers/fourier/grf.hpp"
#include "solvers/spectral/burgers.hpp"
#include "solvers/spectral/recording.hpp"

namespace ff::spectral {

class BurgersStage : public Stage {
 public:
  static constexpr const char* type = "generate.burgers";
  static constexpr Parallelism parallelism = Parallelism::samples;
  static constexpr const char* summary =
      "viscous Burgers on the periodic unit interval from GRF initial conditions: /inputs/u0, /outputs/u [times], "
      "/params/nu";
  static constexpr int version = 1;
  static Schema schema();

  explicit BurgersStage(const StageConfig& config);
  void run(const RunContext& context) override;

 private:
  BurgersOptions solver_;
  GrfOptions initial_;
  Recording recording_;
  long train_ = 0, test_ = 0;
  DType dtype_ = DType::float32;
  std::filesystem::path out_;
};

}  // namespace ff::spectral
