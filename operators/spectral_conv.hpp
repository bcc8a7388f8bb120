// Fourier layer kernel of the FNO (Li et al., 2021) in 1, 2 or 3 dimensions:
//
//   y = irFFT( W(k) · rFFT(x)(k) ),   W(k) = 0 outside the kept modes,
//
// where the kept modes are the lowest `modes[a]` frequencies of every axis,
// with both signs on the axes that are transformed in full (all but the
// last) and the non-negative ones on the halved last axis. W(k) is a dense
// complex in × out matrix per kept mode. Tensors are channel-first,
// [batch, channels, n_1, ..., n_d]; the layer works at any resolution with
// 2·modes[a] ≤ n_a on the full axes and modes[d] ≤ n_d/2 + 1 on the last.
#pragma once

#include <torch/nn/module.h>
#include <torch/types.h>

#include <vector>

namespace ff::operators {

class SpectralConvImpl : public torch::nn::Module {
 public:
  SpectralConvImpl(int in_channels, int out_channels, std::vector<int> modes);

  torch::Tensor forward(const torch::Tensor& x);

  int dim() const { return static_cast<int>(modes_.size()); }
  const std::vector<int>& modes() const { return modes_; }
  // One real [in, out, modes..., 2] tensor (complex as pairs) per block of
  // kept modes: block b takes the negative frequencies on full axis a when
  // bit a of b is set.
  const std::vector<torch::Tensor>& weights() const { return weights_; }
  // Checks that an input of this spatial shape keeps all modes (InputError).
  void check_resolution(torch::IntArrayRef spatial) const;

 private:
  int in_channels_, out_channels_;
  std::vector<int> modes_;
  std::vector<torch::Tensor> weights_;
};
TORCH_MODULE(SpectralConv);

}  // namespace ff::operators
