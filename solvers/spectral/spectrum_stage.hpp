// Stage `analyze.spectrum`: the shell-averaged power spectrum of a periodic
// field over all samples of a dataset, compared with the prescribed GRF
// spectrum when the field carries its covariance parameters.
#pragma once

#include "io/stage.hpp"

namespace ff::spectral {

class SpectrumStage : public Stage {
 public:
  static constexpr const char* type = "analyze.spectrum";
  static constexpr Parallelism parallelism = Parallelism::replicated;
  static constexpr const char* summary =
      "shell-averaged power spectrum of a periodic field over a dataset's samples, vs the prescribed GRF spectrum";
  static constexpr int version = 1;
  static Schema schema();

  explicit SpectrumStage(const StageConfig& config);
  void run(const RunContext& context) override;

 private:
  std::filesystem::path data_, out_;
  std::string field_;
  long batch_ = 16;
};

}  // namespace ff::spectral
