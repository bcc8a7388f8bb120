// Stage `generate.grf`: a dataset of Gaussian random fields (see
// solvers/fourier/grf.hpp; its covariance keys, shared with the other stages
// that draw GRF inputs, are solvers/fourier/covariance_options.hpp).
#pragma once

#include "io/stage.hpp"
#include "solvers/fourier/covariance_options.hpp"
#include "solvers/fourier/grf.hpp"

namespace ff::spectral {

class GrfStage : public Stage {
 public:
  static constexpr const char* type = "generate.grf";
  static constexpr Parallelism parallelism = Parallelism::samples;
  static constexpr const char* summary =
      "Gaussian random fields N(0, sigma^2 (-Laplacian + tau^2 I)^(-alpha)) on a periodic grid, written as "
      "/inputs/<field>";
  static constexpr int version = 1;
  static Schema schema();

  explicit GrfStage(const StageConfig& config);
  void run(const RunContext& context) override;

 private:
  std::string field_;
  long train_ = 0, test_ = 0;
  DType dtype_ = DType::float32;
  std::filesystem::path out_;
  GrfOptions grf_;
};

}  // namespace ff::spectral
