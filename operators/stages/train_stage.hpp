// Stage `train.operator`: trains an FNO, TFNO or MG-TFNO on one input and
// one target field of a dataset (train split; the test split validates each
// epoch) and writes the final checkpoint, the best one by validation error
// and the training history. `--resume` continues from the last checkpoint.
// This header stays free of LibTorch so the stage registry can include it.
#pragma once

#include "io/stage.hpp"

#include <memory>

namespace ff::operators {

class TrainOperatorStage : public Stage {
 public:
  static constexpr const char* type = "train.operator";
  static constexpr Parallelism parallelism = Parallelism::data;
  static constexpr const char* summary =
      "train a neural operator (fno | tfno | mgtfno) on a dataset's input -> target fields: model.pt, best.pt, "
      "history.csv";
  static constexpr int version = 1;
  static Schema schema();

  explicit TrainOperatorStage(const StageConfig& config);
  ~TrainOperatorStage() override;
  void run(const RunContext& context) override;

  struct Settings;

 private:
  std::unique_ptr<Settings> settings_;
};

}  // namespace ff::operators
