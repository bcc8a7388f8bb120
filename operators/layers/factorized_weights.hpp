// Low-rank spectral weights (TFNO): the tensor W[layer, in, out, M_1..M_d]
// of all Fourier layers, factorized jointly
//
//   Tucker: W = G ×_0 U_layer ×_1 U_in ×_2 U_out ×_3 U_1 ... ×_{d+2} U_d
//   CP:     W = Σ_r U_layer[:, r] ∘ U_in[:, r] ∘ U_out[:, r] ∘ U_1[:, r] ∘ ...
//
// with complex core and factors, or (PerLayerSpectralWeights) the same
// factorization of each layer's W_l on its own, as neuraloperator does by
// default: layers then share no channel or mode subspace. `contract` applies
// a layer's W to the input through the factors: the input channels are first
// projected onto the in-rank (Tucker) or CP components, so the full
// [in, out, M] tensor is never formed.
#pragma once

#include "operators/layers/spectral_weights.hpp"

namespace ff::operators {

class TuckerSpectralWeights : public SpectralWeightsImpl {
 public:
  explicit TuckerSpectralWeights(const SpectralWeightsOptions& options);
  torch::Tensor contract(int layer, const torch::Tensor& x) override;
  torch::Tensor reconstruct(int layer) override;
  const std::vector<int64_t>& ranks() const { return ranks_; }

 private:
  torch::Tensor layer_core(int layer) const;  // G ×_0 U_layer[layer]: [r_in, r_out, r_1..r_d]

  std::vector<int64_t> ranks_;
  torch::Tensor core_;
  std::vector<torch::Tensor> factors_;  // [extent_n, r_n, 2] per tensor axis
};

class CpSpectralWeights : public SpectralWeightsImpl {
 public:
  explicit CpSpectralWeights(const SpectralWeightsOptions& options);
  torch::Tensor contract(int layer, const torch::Tensor& x) override;
  torch::Tensor reconstruct(int layer) override;
  int64_t rank() const { return rank_; }

 private:
  int64_t rank_ = 1;
  std::vector<torch::Tensor> factors_;  // [extent_n, R, 2] per tensor axis
};

// One Tucker or CP factorization per layer (options.joint false): a layer's
// [in, out, M...] tensor is the jointly factorized tensor of one layer, so
// the `rank` fraction holds per layer, and explicit Tucker ranks name the
// axes [in, out, modes...] (the layer axis has rank 1).
class PerLayerSpectralWeights : public SpectralWeightsImpl {
 public:
  explicit PerLayerSpectralWeights(const SpectralWeightsOptions& options);
  torch::Tensor contract(int layer, const torch::Tensor& x) override { return layers_.at(layer)->contract(0, x); }
  torch::Tensor reconstruct(int layer) override { return layers_.at(layer)->reconstruct(0); }

 private:
  std::vector<std::shared_ptr<SpectralWeightsImpl>> layers_;
};

}  // namespace ff::operators
