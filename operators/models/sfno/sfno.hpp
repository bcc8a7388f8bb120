// Spherical Fourier neural operator (Bonev et al., ICML 2023):
//
//   v0 = P(x ⊕ pos)                          lifting, pointwise; pos the optional
//                                            cos/sin of latitude and longitude
//   u_b = σ( K_b v_b + W_b v_b )             B blocks: K_b a SphericalConv, W_b a
//   v_{b+1} = v_b + M_b(u_b)                 pointwise skip, M_b a 2-layer MLP
//   y  = Q(v_B)                              projection MLP, pointwise
//
// σ = GELU. Fields live on an nlat × nlon latitude–longitude grid (Gauss or
// equiangular, solvers/sphere/sphere_grid.hpp), north to south, longitude
// fastest. One SphericalTransform, shared by all blocks, truncates at lmax.
// Without the positional channels every part commutes with rotations about
// the polar axis, and with per-degree weights the spectral parts with all
// rotations.
#pragma once

#include "operators/layers/pointwise_linear.hpp"
#include "operators/models/sfno/spherical_conv.hpp"

#include <torch/nn/module.h>

#include <vector>

namespace ff::operators {

struct SfnoOptions {
  int in_channels = 1;
  int out_channels = 1;
  int width = 32;        // channels in the blocks
  int layers = 4;        // SFNO blocks
  int projection = 128;  // hidden width of the projection MLP
  sphere::GridKind grid = sphere::GridKind::gauss;
  int nlat = 32, nlon = 64;
  int lmax = 0;  // spectral truncation; 0: the grid's largest exact degree
  SphericalWeights spectral = SphericalWeights::degree;
  bool positional = false;  // cos/sin of latitude and longitude as 4 more input channels
  double mlp_ratio = 2.0;   // hidden width of the block MLPs over width
};

class SfnoImpl : public torch::nn::Module {
 public:
  explicit SfnoImpl(const SfnoOptions& options);

  // [batch, in_channels, nlat, nlon] -> [batch, out_channels, nlat, nlon]
  torch::Tensor forward(const torch::Tensor& x);

  const SfnoOptions& options() const { return options_; }  // lmax resolved
  int64_t parameter_count() const;                         // real numbers, all parameters
  int64_t spectral_parameter_count() const;

 private:
  torch::Tensor with_positional(const torch::Tensor& x) const;

  SfnoOptions options_;
  SphericalTransform transform_{nullptr};
  torch::Tensor positional_;  // [1, 4, nlat, nlon]
  PointwiseLinear lift_{nullptr}, project_hidden_{nullptr}, project_out_{nullptr};
  std::vector<SphericalConv> spectral_;
  std::vector<PointwiseLinear> skip_, mlp_hidden_, mlp_out_;
};
TORCH_MODULE(Sfno);

}  // namespace ff::operators
