#include "operators/layers/pointwise_linear.hpp"

#include "core/error.hpp"

#include <torch/torch.h>

#include <fmt/format.h>

#include <cmath>

namespace ff::operators {

PointwiseLinearImpl::PointwiseLinearImpl(int in_channels, int out_channels) {
  // PyTorch's default for linear layers: U(−1/√in, 1/√in) for weight and bias.
  const double bound = 1.0 / std::sqrt(static_cast<double>(in_channels));
  weight_ = register_parameter("weight", torch::empty({out_channels, in_channels}).uniform_(-bound, bound));
  bias_ = register_parameter("bias", torch::empty({out_channels}).uniform_(-bound, bound));
}

namespace {

// LibTorch (1.13 to 2.x) runs a one-thread 1×1 convolution of fewer than 16
// samples through its im2col path, whose GEMM is the system BLAS; with
// Debian's reference BLAS, FNO-2D training (64², one thread) ran at 20
// samples/s at batch 10 against 95 at batch 20 (oneDNN). Data-parallel
// training gives each rank such small batches, so they are folded: batch b
// of P points becomes batch k·b of P/k points, with k the power of two that
// reaches 16, and the convolution runs in oneDNN. The two copies cost about
// a millisecond per layer.
constexpr int64_t kOneDnnMinimumBatch = 16;

int64_t fold_factor(const torch::Tensor& x) {
  const int64_t batch = x.size(0), points = x[0][0].numel();
  int64_t k = 1;
  while (batch * k < kOneDnnMinimumBatch && points % (2 * k) == 0) k *= 2;
  return batch * k >= kOneDnnMinimumBatch && x.device().is_cpu() ? k : 1;
}

}  // namespace

torch::Tensor PointwiseLinearImpl::forward(const torch::Tensor& x) {
  if (x.dim() >= 3 && x.size(0) > 0) {
    if (const int64_t k = fold_factor(x); k > 1) {
      const int64_t batch = x.size(0), channels = x.size(1), points = x[0][0].numel();
      const torch::Tensor folded =
          x.reshape({batch, channels, k, points / k}).permute({0, 2, 1, 3}).reshape({batch * k, channels, points / k});
      const torch::Tensor y = pointwise(folded);
      std::vector<int64_t> shape = x.sizes().vec();
      shape[1] = y.size(1);
      return y.reshape({batch, k, y.size(1), points / k}).permute({0, 2, 1, 3}).reshape(shape);
    }
  }
  return pointwise(x);
}

torch::Tensor PointwiseLinearImpl::pointwise(const torch::Tensor& x) {
  // A 1×1 convolution: one GEMM over all grid points, without moving the
  // channel axis.
  std::vector<int64_t> kernel_shape{weight_.size(0), weight_.size(1)};
  kernel_shape.insert(kernel_shape.end(), x.dim() - 2, 1);
  const torch::Tensor kernel = weight_.view(kernel_shape);
  switch (x.dim()) {
    case 3:
      return torch::conv1d(x, kernel, bias_);
    case 4:
      return torch::conv2d(x, kernel, bias_);
    case 5:
      return torch::conv3d(x, kernel, bias_);
    default:
      throw InputError(fmt::format("pointwise layers take 1D-3D grids, got a tensor of rank {}", x.dim()));
  }
}

}  // namespace ff::operators
