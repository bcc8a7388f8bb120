// The complex weights W_l(k) of the Fourier layers of an FNO, for all layers
// l at once, and how they act on the kept modes of a layer's input:
//
//   y[b, o, k] = Σ_i W_l[i, o, k] x[b, i, k]
//
// over the stacked mode grid k ∈ M_1 × ... × M_d (see SpectralConv: M_a =
// 2 m_a on the full axes, m_d on the halved last axis). Dense weights store
// every entry; Tucker and CP weights (TFNO, Kossaifi et al.) factorize the
// tensor [layers, in, out, M_1..M_d] jointly, or each layer's [in, out, M...]
// on its own, and contract the input with the factors directly. Complex values are stored as real pairs (last axis 2)
// so every optimizer sees real parameters.
#pragma once

#include <torch/nn/module.h>
#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

namespace ff::operators {

struct SpectralWeightsOptions {
  int layers = 1;
  int in_channels = 1;
  int out_channels = 1;
  std::vector<int> mode_extent;         // M_1..M_d
  std::string factorization = "dense";  // dense | tucker | cp
  double rank = 1.0;                    // fraction of the dense parameter count (tucker, cp)
  std::vector<int> ranks;               // explicit Tucker ranks (one per tensor axis), or {R} for CP; overrides rank
  bool joint = true;                    // one factorization of all layers, or one per layer (ranks then per layer)
  bool reconstructed = false;           // factorized: rebuild W_l and contract densely (for comparison)
};

class SpectralWeightsImpl : public torch::nn::Module {
 public:
  // x: [batch, in, M...] complex -> [batch, out, M...] complex.
  virtual torch::Tensor contract(int layer, const torch::Tensor& x) = 0;
  // W_l as a complex [in, out, M...] tensor.
  virtual torch::Tensor reconstruct(int layer) = 0;
  int64_t parameter_count() const;  // real numbers
  // Real numbers dense weights of the same shape hold.
  int64_t dense_parameter_count() const;
  const SpectralWeightsOptions& options() const { return options_; }

 protected:
  explicit SpectralWeightsImpl(SpectralWeightsOptions options);
  // Contracts x with a dense complex W: the shared last step of dense weights
  // and of factorized ones in `reconstructed` mode.
  static torch::Tensor contract_dense(const torch::Tensor& x, const torch::Tensor& weight);
  // Entries uniform in [0, 1/(in·out)) (real and imaginary parts), the FNO
  // reference's scale: the spectral path starts small next to the skip path.
  double initial_scale() const;

  SpectralWeightsOptions options_;
};

std::shared_ptr<SpectralWeightsImpl> make_spectral_weights(const SpectralWeightsOptions& options);

}  // namespace ff::operators
