#include "operators/models/trained_operator.hpp"

#include "core/error.hpp"
#include "operators/models/registry.hpp"

#include <torch/torch.h>

#include <fmt/format.h>

namespace ff::operators {

TrainedOperator::TrainedOperator(const std::filesystem::path& checkpoint, const std::string& device)
    : path_(checkpoint), device_(device) {
  CheckpointReader reader(checkpoint, device);
  header_ = reader.header();
  config_ = model_registry().from_description(header_.model, checkpoint.string());
  model_ = config_->build(header_.data).module;
  reader.load_model(*model_.ptr());
  model_.ptr()->to(device_);
  epoch_ = reader.epoch();
  input_normalizer_ = reader.input_normalizer();  // already on device_ (the reader maps them)
  target_normalizer_ = reader.target_normalizer();
  model_.ptr()->eval();
}

const std::pair<GaussianNormalizer, GaussianNormalizer>& TrainedOperator::normalizers_for(const torch::Tensor& x) {
  const std::vector<int64_t> grid(x.sizes().begin() + 2, x.sizes().end());
  auto it = resampled_.find(grid);
  if (it != resampled_.end()) return it->second;
  const auto trained = input_normalizer_.mean().sizes().slice(1).vec();
  if (grid == trained) return resampled_.emplace(grid, std::pair{input_normalizer_, target_normalizer_}).first->second;
  FF_REQUIRE(grid.size() == trained.size(), InputError, "{}: a {}D model cannot evaluate {}D data", path_.string(),
             trained.size(), grid.size());
  // Models that see coordinates j/(n−1) were trained on grids that include
  // both boundaries; the others on periodic grids.
  const bool periodic = !config_->closed_grid();
  return resampled_
      .emplace(grid,
               std::pair{input_normalizer_.resampled(grid, periodic), target_normalizer_.resampled(grid, periodic)})
      .first->second;
}

torch::Tensor TrainedOperator::predict(const torch::Tensor& x) {
  torch::NoGradGuard no_grad;
  const auto& [input, target] = normalizers_for(x);
  return target.decode(model_.forward(input.encode(x.to(device_))));
}

torch::Tensor TrainedOperator::rollout(const torch::Tensor& known, long steps) {
  const long window = header_.window, components = header_.data.out_channels;
  FF_REQUIRE(window > 0, InputError, "{}: the model is not autoregressive (trained without window)", path_.string());
  FF_REQUIRE(known.size(1) == window * components, InputError,
             "{}: a rollout starts from {} known steps of {} components, got {} channels", path_.string(), window,
             components, known.size(1));
  torch::Tensor state = known.to(device_);
  std::vector<torch::Tensor> predicted;
  for (long t = 0; t < steps; ++t) {
    predicted.push_back(predict(state));
    state = torch::cat({state.narrow(1, components, (window - 1) * components), predicted.back()}, 1);
  }
  return torch::cat(predicted, 1);
}

}  // namespace ff::operators
