// Per-point Gaussian normalization of operator inputs and outputs, as in the
// FNO reference: x ↦ (x − μ(p)) / (σ(p) + ε) with μ, σ the mean and the
// (population) standard deviation over the training samples at every channel
// and grid point p. At other resolutions it applies through resampled().
// Fitted by streaming the training split once; its state is two tensors that
// checkpoints store with the model.
#pragma once

#include "operators/data/data_loader.hpp"

#include <torch/types.h>

#include <string>
#include <utility>
#include <vector>

namespace torch::serialize {
class InputArchive;
class OutputArchive;
}  // namespace torch::serialize

namespace ff::operators {

class GaussianNormalizer {
 public:
  static constexpr double epsilon = 1e-5;

  GaussianNormalizer() = default;
  GaussianNormalizer(torch::Tensor mean, torch::Tensor std);

  // Normalizers of the inputs and of the targets of the loader's split,
  // fitted in one pass over it.
  static std::pair<GaussianNormalizer, GaussianNormalizer> fit(const DataLoader& loader);

  torch::Tensor encode(const torch::Tensor& x) const;
  torch::Tensor decode(const torch::Tensor& x) const;
  const torch::Tensor& mean() const { return mean_; }  // [channels, grid...]
  const torch::Tensor& std() const { return std_; }
  // The statistics interpolated multi-linearly onto another grid of the same
  // domain, for evaluation at other resolutions: a periodic grid holds the
  // points j/n (the last interval wraps to the first point), a closed grid
  // the points j/(n-1).
  GaussianNormalizer resampled(const std::vector<int64_t>& grid, bool periodic) const;
  // The statistics as `<prefix>_mean` and `<prefix>_std` in a checkpoint.
  void save(torch::serialize::OutputArchive& archive, const std::string& prefix) const;
  static GaussianNormalizer load(torch::serialize::InputArchive& archive, const std::string& prefix);
  // Moves the statistics to the device and dtype of `like`.
  void to(const torch::Tensor& like);

 private:
  void check(const torch::Tensor& batch) const;  // fitted, and the batch's samples match

  torch::Tensor mean_, std_;
};

}  // namespace ff::operators
