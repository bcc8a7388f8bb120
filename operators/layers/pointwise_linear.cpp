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

torch::Tensor PointwiseLinearImpl::forward(const torch::Tensor& x) {
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
