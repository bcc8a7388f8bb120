#include "operators/layers/spectral_weights.hpp"

#include "core/error.hpp"
#include "operators/layers/factorized_weights.hpp"

#include <torch/torch.h>

namespace ff::operators {
namespace {

// Every entry stored: one real [layers, in, out, M..., 2] tensor.
class DenseSpectralWeights : public SpectralWeightsImpl {
 public:
  explicit DenseSpectralWeights(const SpectralWeightsOptions& options) : SpectralWeightsImpl(options) {
    std::vector<int64_t> shape{options.layers, options.in_channels, options.out_channels};
    shape.insert(shape.end(), options.mode_extent.begin(), options.mode_extent.end());
    shape.push_back(2);
    weight_ = register_parameter("weight", initial_scale() * torch::rand(shape));
  }
  torch::Tensor contract(int layer, const torch::Tensor& x) override { return contract_dense(x, reconstruct(layer)); }
  torch::Tensor reconstruct(int layer) override { return torch::view_as_complex(weight_[layer]); }

 private:
  torch::Tensor weight_;
};

}  // namespace

SpectralWeightsImpl::SpectralWeightsImpl(SpectralWeightsOptions options) : options_(std::move(options)) {
  const auto& o = options_;
  FF_REQUIRE(o.layers >= 1 && o.in_channels >= 1 && o.out_channels >= 1, InputError,
             "spectral weights need layers, in and out channels >= 1");
  FF_REQUIRE(!o.mode_extent.empty() && o.mode_extent.size() <= 3, InputError, "spectral weights are 1D-3D, got {}D",
             o.mode_extent.size());
  for (int m : o.mode_extent) FF_REQUIRE(m >= 1, InputError, "mode extents must be >= 1, got {}", m);
}

int64_t SpectralWeightsImpl::parameter_count() const {
  int64_t count = 0;
  for (const auto& p : parameters()) count += p.numel();
  return count;
}

int64_t SpectralWeightsImpl::dense_parameter_count() const {
  int64_t count = 2L * options_.layers * options_.in_channels * options_.out_channels;
  for (int m : options_.mode_extent) count *= m;
  return count;
}

double SpectralWeightsImpl::initial_scale() const {
  return 1.0 / (static_cast<double>(options_.in_channels) * options_.out_channels);
}

torch::Tensor SpectralWeightsImpl::contract_dense(const torch::Tensor& x, const torch::Tensor& weight) {
  const std::string modes = std::string("xyz").substr(0, x.dim() - 2);
  return torch::einsum("bi" + modes + ",io" + modes + "->bo" + modes, {x, weight});
}

std::shared_ptr<SpectralWeightsImpl> make_spectral_weights(const SpectralWeightsOptions& options) {
  if (options.factorization == "dense") return std::make_shared<DenseSpectralWeights>(options);
  if (!options.joint) return std::make_shared<PerLayerSpectralWeights>(options);
  if (options.factorization == "tucker") return std::make_shared<TuckerSpectralWeights>(options);
  if (options.factorization == "cp") return std::make_shared<CpSpectralWeights>(options);
  throw InputError("factorization must be dense, tucker or cp, got '" + options.factorization + "'");
}

}  // namespace ff::operators
