// Training the DCDM network on one matrix: minimize over right-hand sides b
// (unit norm) the residual after the exact A-line search along f(b),
//   ‖b − α A f(b)‖²,  α = f(b)ᵀb / f(b)ᵀA f(b),
// with Adam, as Kaneda et al. do. The network sees b and returns a
// direction; solid cells are masked out of it before A.
#pragma once

#include "operators/dcdm/grid_laplacian.hpp"
#include "operators/dcdm/ritz_rhs.hpp"

#include <torch/nn/modules/container/any.h>
#include <torch/optim/adam.h>

#include <memory>
#include <vector>

namespace ff::operators {

// The loss above, averaged over the batch, for directions f of right-hand sides b.
torch::Tensor line_search_loss(const GridLaplacian& A, const torch::Tensor& b, const torch::Tensor& f);

struct DcdmTrainerOptions {
  long batch = 10;
  double learning_rate = 1e-4;
  long validation = 20;  // right-hand sides held out (the last ones)
};

class DcdmTrainer {
 public:
  DcdmTrainer(torch::nn::AnyModule network, const GridLaplacian& A, const RitzRightHandSides& rhs,
              const DcdmTrainerOptions& options);

  // One pass over the training right-hand sides in the order of `epoch`'s
  // shuffle (seeded by `seed` and the epoch); returns the mean loss.
  // `progress(done, total)` is called after every batch.
  double train_epoch(long epoch, std::uint64_t seed, const std::function<void(long, long)>& progress = {});
  // Mean loss over the held-out right-hand sides.
  double validate();

  torch::optim::Adam& optimizer() { return *optimizer_; }
  torch::nn::AnyModule& network() { return network_; }

 private:
  torch::nn::AnyModule network_;
  const GridLaplacian& A_;
  const RitzRightHandSides& rhs_;
  DcdmTrainerOptions options_;
  std::unique_ptr<torch::optim::Adam> optimizer_;
};

}  // namespace ff::operators
