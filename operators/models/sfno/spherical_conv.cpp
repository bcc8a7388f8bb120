#include "operators/models/sfno/spherical_conv.hpp"

#include "core/error.hpp"
#include "operators/layers/shape.hpp"

#include <torch/torch.h>

#include <cmath>

namespace ff::operators {

SphericalConvImpl::SphericalConvImpl(int in_channels, int out_channels, SphericalTransform transform,
                                     SphericalWeights weights)
    : transform_(std::move(transform)), kind_(weights) {
  FF_REQUIRE(in_channels >= 1 && out_channels >= 1, InputError, "spherical convolution needs channels >= 1");
  FF_REQUIRE(!transform_.is_empty(), InputError, "spherical convolution needs a transform");
  const int64_t nl = transform_->lmax() + 1, nm = transform_->mmax() + 1;
  // Normal entries of variance 1/in: the spectral path starts at the scale
  // of a pointwise layer (torch-harmonics' SFNO scaling).
  const double scale = 1.0 / std::sqrt(static_cast<double>(in_channels));
  if (kind_ == SphericalWeights::degree) {
    weight_ = register_parameter("weight", scale * torch::randn({in_channels, out_channels, nl}));
  } else {
    weight_ =
        register_parameter("weight", scale / std::sqrt(2.0) * torch::randn({in_channels, out_channels, nl, nm, 2}));
  }
}

torch::Tensor SphericalConvImpl::forward(const torch::Tensor& x) {
  FF_REQUIRE(x.dim() == 4 && x.size(1) == weight_.size(0), InputError,
             "spherical convolution expects [batch, {}, nlat, nlon], got {}", weight_.size(0), shape_of(x));
  const torch::Tensor a = transform_(x);  // [b, i, l, m] complex
  torch::Tensor mixed;
  if (kind_ == SphericalWeights::degree) {
    // y_lm = Σ_i W[i, o, l] a_lm: real weights on the real pairs.
    const torch::Tensor pairs = torch::view_as_real(a);
    mixed = torch::view_as_complex(
        torch::einsum("bilmc,iol->bolmc", {pairs, weight_.to(pairs.scalar_type())}).contiguous());
  } else {
    torch::Tensor w = torch::view_as_complex(weight_);
    if (w.scalar_type() != a.scalar_type()) w = w.to(a.scalar_type());
    mixed = torch::einsum("bilm,iolm->bolm", {a, w});
  }
  return transform_->inverse(mixed);
}

int64_t SphericalConvImpl::parameter_count() const { return weight_.numel(); }

}  // namespace ff::operators
