// The pointwise (1×1) linear map of neural operators: lifting, skip
// connections and projection act on the channel axis at every grid point.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace ff::operators {

// y = W x + b over the channel axis of [batch, channels, grid...] tensors.
class PointwiseLinearImpl : public torch::nn::Module {
 public:
  PointwiseLinearImpl(int in_channels, int out_channels);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::Tensor pointwise(const torch::Tensor& x);  // the 1×1 convolution itself

  torch::Tensor weight_, bias_;
};
TORCH_MODULE(PointwiseLinear);

}  // namespace ff::operators
