// Stage `train.dcdm`: trains the deep conjugate-direction network on one
// pressure Poisson matrix with obstacles (layout `layout` of the problem):
// a Lanczos run gives Ritz vectors, right-hand sides are drawn from them
// (operators/dcdm/ritz_rhs.hpp) and the network learns to propose the
// direction of the exact line search. Writes the final checkpoint (with
// optimizer state, so `--resume` continues), the best one by held-out loss
// and the history. This header stays free of LibTorch.
#pragma once

#include "io/stage.hpp"

#include <memory>

namespace ff::operators {

class TrainDcdmStage : public Stage {
 public:
  static constexpr const char* type = "train.dcdm";
  static constexpr Parallelism parallelism = Parallelism::root;
  static constexpr const char* summary =
      "train the DCDM network (residual -> search direction) on a pressure Poisson matrix with obstacles from its "
      "Ritz vectors: model.pt, best.pt, history.csv";
  static constexpr int version = 1;
  static Schema schema();

  explicit TrainDcdmStage(const StageConfig& config);
  ~TrainDcdmStage() override;
  void run(const RunContext& context) override;

  struct Settings;

 private:
  std::unique_ptr<Settings> settings_;
};

}  // namespace ff::operators
