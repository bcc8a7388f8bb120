// The spectral convolution of the SFNO: transform to spherical harmonics,
// multiply by learned weights, transform back,
//
//   y = SHT⁻¹( W · SHT(x) ).
//
// Weights per degree, W[i, o, l] (the SFNO default), act like a convolution
// with a zonal kernel (Funk–Hecke): they commute with every rotation of the
// sphere. They are real: a complex W_l would, through a real field's
// a_{l,−m} = (−1)^m conj(a_lm), multiply the negative orders by conj(W_l) and
// commute only with rotations about the polar axis. Dense weights W[i, o, l, m]
// (complex, one per order) commute only with those rotations; entries with
// l < m meet zero coefficients and stay unused.
#pragma once

#include "operators/layers/spherical_transform.hpp"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace ff::operators {

enum class SphericalWeights { degree, dense };

class SphericalConvImpl : public torch::nn::Module {
 public:
  // `transform` is shared with the other layers and not registered here: the
  // module that owns the layers registers it once (so .to() moves it once).
  SphericalConvImpl(int in_channels, int out_channels, SphericalTransform transform, SphericalWeights weights);

  // [batch, in, nlat, nlon] -> [batch, out, nlat, nlon]
  torch::Tensor forward(const torch::Tensor& x);

  SphericalWeights weights() const { return kind_; }
  int64_t parameter_count() const;  // real numbers

 private:
  SphericalTransform transform_;
  SphericalWeights kind_;
  torch::Tensor weight_;  // degree: [in, out, l]; dense: [in, out, l, m, 2] (real pairs)
};
TORCH_MODULE(SphericalConv);

}  // namespace ff::operators
