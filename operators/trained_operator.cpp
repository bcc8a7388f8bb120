#include "operators/trained_operator.hpp"

#include "core/error.hpp"

#include <torch/torch.h>

#include <fmt/format.h>

namespace ff::operators {

std::map<std::string, std::string> CheckpointMetadata::entries() const {
  return {{"model", describe(spec)}, {"input", input}, {"target", target}, {"window", std::to_string(window)}};
}

namespace {

std::string read_entry(torch::serialize::InputArchive& metadata, const std::string& key, const std::string& origin) {
  c10::IValue value;
  FF_REQUIRE(metadata.try_read(key, value) && value.isString(), InputError,
             "{}: the checkpoint has no '{}' entry (written by an older fieldforge?)", origin, key);
  return value.toStringRef();
}

}  // namespace

TrainedOperator::TrainedOperator(const std::filesystem::path& checkpoint, const std::string& device)
    : path_(checkpoint), device_(device) {
  const std::string origin = checkpoint.string();
  FF_REQUIRE(std::filesystem::is_regular_file(checkpoint), InputError, "{}: no such checkpoint", origin);
  torch::serialize::InputArchive archive, metadata, model;
  try {
    archive.load_from(origin, device_);
  } catch (const c10::Error& e) {
    throw InputError(fmt::format("{}: not a LibTorch checkpoint: {}", origin, e.what_without_backtrace()));
  }
  FF_REQUIRE(archive.try_read("metadata", metadata), InputError, "{}: not a fieldforge operator checkpoint", origin);
  metadata_.spec = parse_model_spec(read_entry(metadata, "model", origin), origin);
  metadata_.input = read_entry(metadata, "input", origin);
  metadata_.target = read_entry(metadata, "target", origin);
  metadata_.window = std::stol(read_entry(metadata, "window", origin));

  model_ = make_model(metadata_.spec);
  try {
    archive.read("model", model);
    model_.ptr()->load(model);
    model_.ptr()->to(device_);
    torch::Tensor epoch;
    archive.read("epoch", epoch);
    epoch_ = epoch.item<int64_t>();
    input_normalizer_ = GaussianNormalizer::load(archive, "input");  // already on device_ (load_from maps them)
    target_normalizer_ = GaussianNormalizer::load(archive, "target");
  } catch (const c10::Error& e) {
    throw InputError(fmt::format("{}: damaged checkpoint: {}", origin, e.what_without_backtrace()));
  }
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
  const bool periodic = metadata_.spec.network.grid != GridChannels::closed;
  return resampled_
      .emplace(grid, std::pair{input_normalizer_.resampled(grid, periodic), target_normalizer_.resampled(grid, periodic)})
      .first->second;
}

torch::Tensor TrainedOperator::predict(const torch::Tensor& x) {
  torch::NoGradGuard no_grad;
  const auto& [input, target] = normalizers_for(x);
  return target.decode(model_.forward(input.encode(x.to(device_))));
}

torch::Tensor TrainedOperator::rollout(const torch::Tensor& known, long steps) {
  const long window = metadata_.window;
  FF_REQUIRE(window > 0, InputError, "{}: the model is not autoregressive (trained without window)", path_.string());
  FF_REQUIRE(known.size(1) == window, InputError, "{}: a rollout starts from {} known steps, got {}", path_.string(),
             window, known.size(1));
  torch::Tensor state = known.to(device_);
  std::vector<torch::Tensor> predicted;
  for (long t = 0; t < steps; ++t) {
    predicted.push_back(predict(state));
    state = torch::cat({state.narrow(1, 1, window - 1), predicted.back()}, 1);
  }
  return torch::cat(predicted, 1);
}

}  // namespace ff::operators
