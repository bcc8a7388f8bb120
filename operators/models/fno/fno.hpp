// Fourier neural operator (Li et al., 2021):
//
//   v0 = P(x ⊕ grid)                         lifting, pointwise
//   v_{l+1} = σ( K_l v_l + W_l v_l )         L Fourier layers (σ = GELU,
//                                            none after the last)
//   y  = Q(v_L)                              projection MLP, pointwise
//
// K_l a SpectralConv, W_l a pointwise linear map. Pointwise maps act on the
// channel axis only and the spectral kernels on a fixed number of modes, so
// a model trained at one resolution evaluates at another. For non-periodic
// problems (Darcy) `padding` zero-pads every axis at its end before the
// Fourier layers and crops after, so that the FFT does not wrap the
// boundaries onto each other.
#pragma once

#include "operators/layers/pointwise_linear.hpp"
#include "operators/layers/spectral_conv.hpp"

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>

#include <string>
#include <vector>

namespace ff::operators {

// Coordinates appended to the input channels: none; periodic x_j = j/n; or
// closed x_j = j/(n−1), for grids that include both boundaries.
enum class GridChannels { none, periodic, closed };

struct FnoOptions {
  std::vector<int> modes{12, 12};  // per axis; its length is the dimension
  int in_channels = 1;
  int out_channels = 1;
  int width = 32;  // channels in the Fourier layers
  int layers = 4;
  int projection = 128;  // hidden width of the projection MLP
  GridChannels grid = GridChannels::periodic;
  int padding = 0;  // points appended to every axis
  // Spectral weights of all layers: dense (FNO) or factorized (TFNO).
  std::string factorization = "dense";  // dense | tucker | cp
  double rank = 1.0;                    // fraction of the dense size, for tucker and cp
  std::vector<int> ranks;               // explicit ranks instead (see SpectralWeightsOptions)
  bool reconstructed = false;           // factorized: contract with the rebuilt dense weights
  bool joint = true;                    // factorized: all layers in one tensor, or each layer apart
};

class FnoImpl : public torch::nn::Module {
 public:
  explicit FnoImpl(const FnoOptions& options);

  // [batch, in_channels, n_1..n_d] -> [batch, out_channels, n_1..n_d]
  torch::Tensor forward(const torch::Tensor& x);

  const FnoOptions& options() const { return options_; }
  int64_t parameter_count() const;  // real numbers, all parameters
  const SpectralWeightsImpl& spectral_weights() const { return *spectral_weights_; }

 private:
  torch::Tensor with_grid(const torch::Tensor& x) const;

  FnoOptions options_;
  PointwiseLinear lift_{nullptr}, project_hidden_{nullptr}, project_out_{nullptr};
  std::shared_ptr<SpectralWeightsImpl> spectral_weights_;
  std::vector<SpectralConv> spectral_;
  std::vector<PointwiseLinear> skip_;
};
TORCH_MODULE(Fno);

}  // namespace ff::operators
