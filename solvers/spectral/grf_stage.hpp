// Stage `generate.grf`: a dataset of Gaussian random fields (see grf.hpp).
#pragma once

#include "io/stage.hpp"
#include "solvers/spectral/grf.hpp"

namespace ff::spectral {

// The `covariance`-style map of GRF keys (alpha, tau, sigma, zero_mean) with
// the given defaults, shared by every stage that draws GRF inputs.
Schema covariance_schema(double alpha, double tau, double sigma);
GrfOptions read_covariance(const StageConfig& config, const std::string& key, int dim, int n);

class GrfStage : public Stage {
 public:
  static constexpr const char* type = "generate.grf";
  static constexpr const char* summary =
      "Gaussian random fields N(0, sigma^2 (-Laplacian + tau^2 I)^(-alpha)) on a periodic grid, written as /inputs/<field>";
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
