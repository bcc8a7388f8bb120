// Stage `evaluate`: applies a trained operator (a train.operator checkpoint)
// to one split of a dataset and writes the predictions with per-sample
// relative L2 and H1 errors. The dataset may have another resolution than
// the training data (zero-shot super-resolution); autoregressive models are
// rolled out from the first steps of each trajectory, with the error of
// every step. This header stays free of LibTorch.
#pragma once

#include "io/stage.hpp"

#include <memory>

namespace ff::operators {

class EvaluateStage : public Stage {
 public:
  static constexpr const char* type = "evaluate";
  static constexpr Parallelism parallelism = Parallelism::replicated;
  static constexpr const char* summary =
      "evaluate a trained operator on a dataset split: predictions and per-sample relative L2/H1 errors "
      "(any resolution; rollouts for autoregressive models)";
  static constexpr int version = 1;
  static Schema schema();

  explicit EvaluateStage(const StageConfig& config);
  ~EvaluateStage() override;
  void run(const RunContext& context) override;

  struct Settings;

 private:
  std::unique_ptr<Settings> settings_;
};

}  // namespace ff::operators
