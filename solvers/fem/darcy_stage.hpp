// Stage `generate.darcy`: Darcy flow datasets as in the FNO paper. The
// coefficient is a GRF thresholded to two values (12 where the field is ≥ 0,
// 3 where it is < 0), f = 1, u = 0 on the boundary of the unit square,
// solved with finite elements on n × n nodes and stored at coarser node grids
// by taking every k-th node. One file per stored resolution.
// This header stays free of PETSc so the stage registry can include it.
#pragma once

#include "io/stage.hpp"
#include "solvers/fem/darcy.hpp"
#include "solvers/fourier/grf.hpp"

#include <vector>

namespace ff::fem {

class DarcyStage : public Stage {
 public:
  static constexpr const char* type = "generate.darcy";
  static constexpr Parallelism parallelism = Parallelism::samples;
  static constexpr const char* summary =
      "Darcy flow -div(a grad u) = f on the unit square, a = GRF thresholded to two values, by finite elements: "
      "/inputs/a, /outputs/u on node grids, one file per stored resolution";
  static constexpr int version = 1;
  static Schema schema();

  explicit DarcyStage(const StageConfig& config);
  void run(const RunContext& context) override;

 private:
  DarcyOptions solver_;
  spectral::GrfOptions field_;  // on the n-1 distinct nodes of the periodic unit square
  double high_ = 12, low_ = 3;
  std::vector<int> strides_;
  std::vector<std::filesystem::path> outputs_;  // per stride
  long train_ = 0, test_ = 0;
  DType dtype_ = DType::float32;
};

}  // namespace ff::fem
