// Fourier layer kernel of the FNO (Li et al., 2021) in 1, 2 or 3 dimensions:
//
//   y = irFFT( W_l(k) · rFFT(x)(k) ),   W_l(k) = 0 outside the kept modes,
//
// where the kept modes are the lowest `modes[a]` frequencies of every axis,
// with both signs on the axes transformed in full (all but the last) and the
// non-negative ones on the halved last axis. They are gathered into a mode
// grid M_1 × ... × M_d, M_a = 2·modes[a] on full axes (non-negative
// frequencies first, then the negative ones) and M_d = modes[d] on the last,
// on which the layer's weights act (dense or factorized, spectral_weights.hpp).
// Tensors are channel-first, [batch, channels, n_1, ..., n_d]; the layer
// works at any resolution with n_a ≥ 2·modes[a] on the full axes and
// n_d ≥ 2·(modes[d] − 1) on the last.
#pragma once

#include "operators/layers/spectral_weights.hpp"

#include <torch/nn/module.h>
#include <torch/types.h>

#include <memory>
#include <vector>

namespace ff::operators {

// M_a of the mode grid for these per-axis mode counts.
std::vector<int> mode_grid_extent(const std::vector<int>& modes);

class SpectralConvImpl : public torch::nn::Module {
 public:
  // Applies layer `layer` of `weights`, which the caller owns and registers
  // (several layers share one factorized tensor).
  SpectralConvImpl(std::vector<int> modes, std::shared_ptr<SpectralWeightsImpl> weights, int layer);

  // On the CPU in float32 (and 16-bit input, computed in float32): the
  // FFTW path of fftw_spectral.hpp. Elsewhere (CUDA, float64):
  // forward_reference.
  torch::Tensor forward(const torch::Tensor& x);
  // The layer from LibTorch's FFTs and einsum, differentiated by autograd:
  // what the FFTW path is tested against.
  torch::Tensor forward_reference(const torch::Tensor& x);

  int dim() const { return static_cast<int>(modes_.size()); }
  const std::vector<int>& modes() const { return modes_; }
  // Checks that an input of this spatial shape keeps all modes (InputError).
  void check_resolution(torch::IntArrayRef spatial) const;
  // Checks rank, channels and resolution of an input (InputError).
  void check_input(const torch::Tensor& x) const;

 private:
  std::vector<int> modes_;
  std::shared_ptr<SpectralWeightsImpl> weights_;
  int layer_;
};
TORCH_MODULE(SpectralConv);

}  // namespace ff::operators
