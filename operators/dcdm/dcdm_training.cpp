#include "operators/dcdm/dcdm_training.hpp"

#include "core/error.hpp"
#include "core/rng.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <numeric>

namespace ff::operators {

torch::Tensor line_search_loss(const GridLaplacian& A, const torch::Tensor& b, const torch::Tensor& f) {
  const torch::Tensor masked = f * A.fluid();
  const torch::Tensor Af = A.apply(masked);
  std::vector<int64_t> grid_dims;
  for (int64_t d = 1; d < b.dim(); ++d) grid_dims.push_back(d);
  const torch::Tensor fb = (masked * b).sum(grid_dims, true);
  const torch::Tensor fAf = (masked * Af).sum(grid_dims, true);
  const torch::Tensor alpha = fb / fAf;
  return (b - alpha * Af).pow(2).sum(grid_dims).mean();
}

DcdmTrainer::DcdmTrainer(torch::nn::AnyModule network, const GridLaplacian& A, const RitzRightHandSides& rhs,
                         const DcdmTrainerOptions& options)
    : network_(std::move(network)), A_(A), rhs_(rhs), options_(options) {
  FF_REQUIRE(options.validation >= 0 && options.validation < rhs.size(), InputError,
             "DCDM training: {} right-hand sides held out of {}", options.validation, rhs.size());
  optimizer_ = std::make_unique<torch::optim::Adam>(network_.ptr()->parameters(),
                                                    torch::optim::AdamOptions(options.learning_rate));
}

double DcdmTrainer::train_epoch(long epoch, std::uint64_t seed, const std::function<void(long, long)>& progress) {
  const long count = rhs_.size() - options_.validation;
  std::vector<long> order(count);
  std::iota(order.begin(), order.end(), 0L);
  SampleRng rng(seed, 0x5b0ff1e, static_cast<std::uint64_t>(epoch));
  for (long i = count - 1; i > 0; --i) std::swap(order[i], order[static_cast<long>(rng.uniform() * (i + 1))]);

  network_.ptr()->train();
  double sum = 0;
  for (long start = 0; start < count; start += options_.batch) {
    const std::vector<long> ids(order.begin() + start, order.begin() + std::min(count, start + options_.batch));
    const torch::Tensor b = rhs_.batch(ids);
    optimizer_->zero_grad();
    torch::Tensor loss = line_search_loss(A_, b, network_.forward(b));
    loss.backward();
    optimizer_->step();
    const double value = loss.item<double>();
    FF_REQUIRE(std::isfinite(value), RunError, "DCDM training: the loss became {} in epoch {}", value, epoch + 1);
    sum += value * static_cast<double>(ids.size());
    if (progress) progress(start + static_cast<long>(ids.size()), count);
  }
  return sum / static_cast<double>(count);
}

double DcdmTrainer::validate() {
  if (options_.validation == 0) return std::nan("");
  torch::NoGradGuard no_grad;
  network_.ptr()->eval();
  double sum = 0;
  const long first = rhs_.size() - options_.validation;
  for (long start = first; start < rhs_.size(); start += options_.batch) {
    std::vector<long> ids;
    for (long i = start; i < std::min(rhs_.size(), start + options_.batch); ++i) ids.push_back(i);
    const torch::Tensor b = rhs_.batch(ids);
    sum += line_search_loss(A_, b, network_.forward(b)).item<double>() * static_cast<double>(ids.size());
  }
  return sum / static_cast<double>(options_.validation);
}

}  // namespace ff::operators
