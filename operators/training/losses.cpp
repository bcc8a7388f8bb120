#include "operators/training/losses.hpp"

#include "core/error.hpp"
#include "operators/layers/shape.hpp"

#include <torch/fft.h>
#include <torch/torch.h>

namespace ff::operators {
namespace {

void check_pair(const torch::Tensor& prediction, const torch::Tensor& target) {
  FF_REQUIRE(prediction.sizes() == target.sizes() && prediction.dim() >= 3, InputError,
             "a loss compares [batch, channels, grid...] tensors of one shape, got {} and {}", shape_of(prediction),
             shape_of(target));
}

// 1 + 4π²|k|² on the full FFT grid of the spatial axes of `like`.
torch::Tensor sobolev_weight(const torch::Tensor& like) {
  const int64_t d = like.dim() - 2;
  auto options = torch::TensorOptions().dtype(torch::kFloat64).device(like.device());
  torch::Tensor k2 = torch::zeros({1}, options);
  for (int64_t a = 0; a < d; ++a) {
    const int64_t n = like.size(a + 2);
    std::vector<int64_t> view(d, 1);
    view[a] = n;
    k2 = k2 + torch::fft::fftfreq(n, 1.0 / n, options).pow(2).view(view);
  }
  return (1 + 4 * M_PI * M_PI * k2).to(like.scalar_type());
}

}  // namespace

torch::Tensor relative_lp_per_sample(const torch::Tensor& prediction, const torch::Tensor& target, double p) {
  check_pair(prediction, target);
  const auto difference = (prediction - target).flatten(1).norm(p, 1);
  return difference / target.flatten(1).norm(p, 1);
}

torch::Tensor relative_lp(const torch::Tensor& prediction, const torch::Tensor& target, double p) {
  return relative_lp_per_sample(prediction, target, p).mean();
}

torch::Tensor relative_h1_per_sample(const torch::Tensor& prediction, const torch::Tensor& target) {
  check_pair(prediction, target);
  std::vector<int64_t> axes;
  for (int64_t a = 2; a < prediction.dim(); ++a) axes.push_back(a);
  const auto weight = sobolev_weight(prediction);
  auto squared_norm = [&](const torch::Tensor& w) {
    return (torch::fft::fftn(w, w.sizes().slice(2), axes).abs().pow(2) * weight).flatten(1).sum(1);
  };
  return (squared_norm(prediction - target) / squared_norm(target)).sqrt();
}

torch::Tensor relative_h1(const torch::Tensor& prediction, const torch::Tensor& target) {
  return relative_h1_per_sample(prediction, target).mean();
}

}  // namespace ff::operators
