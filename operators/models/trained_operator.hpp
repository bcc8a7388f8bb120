// A trained operator as evaluation uses it, rebuilt from its checkpoint
// alone: checkpoints carry the model description, the dataset fields the
// model maps and the normalizers next to the weights. It predicts on the
// training grid and on any other grid of the same domain (the normalizers
// are resampled), and rolls autoregressive models forward in time.
#pragma once

#include "operators/models/model_family.hpp"
#include "operators/training/checkpoint.hpp"
#include "operators/training/normalizer.hpp"

#include <torch/nn/modules/container/any.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace ff::operators {

class TrainedOperator {
 public:
  // InputError when the file is missing, not a fieldforge checkpoint or
  // of another format, or describes a model this fieldforge cannot build.
  TrainedOperator(const std::filesystem::path& checkpoint, const std::string& device);

  // decode(model(encode(x))) in evaluation mode, without gradients:
  // [batch, in, grid...] -> [batch, out, grid...] on the model's device.
  torch::Tensor predict(const torch::Tensor& x);
  // Autoregressive models: from `window` known steps of c components
  // [batch, window·c, grid...] (step-major) the next `steps` steps
  // [batch, steps·c, grid...], each prediction fed back.
  torch::Tensor rollout(const torch::Tensor& known, long steps);

  const CheckpointHeader& header() const { return header_; }
  long epoch() const { return epoch_; }
  torch::nn::AnyModule& model() { return model_; }
  const GaussianNormalizer& input_normalizer() const { return input_normalizer_; }
  const GaussianNormalizer& target_normalizer() const { return target_normalizer_; }

 private:
  // The normalizers for a grid, resampled from the training grid once.
  const std::pair<GaussianNormalizer, GaussianNormalizer>& normalizers_for(const torch::Tensor& x);

  std::filesystem::path path_;
  CheckpointHeader header_;
  std::unique_ptr<ModelConfig> config_;
  torch::Device device_;
  torch::nn::AnyModule model_;
  GaussianNormalizer input_normalizer_, target_normalizer_;
  std::map<std::vector<int64_t>, std::pair<GaussianNormalizer, GaussianNormalizer>> resampled_;
  long epoch_ = 0;
};

}  // namespace ff::operators
