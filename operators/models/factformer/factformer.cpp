#include "operators/models/factformer/factformer.hpp"

#include "core/error.hpp"
#include "operators/layers/shape.hpp"

#include <torch/torch.h>

#include <fmt/format.h>

#include <cmath>

namespace ff::operators {

FactorizedBlockImpl::FactorizedBlockImpl(const FactorizedAttentionOptions& options) {
  norm_ = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({options.dim})));
  attention_ = register_module("attention", FactorizedAttention(options));
}

torch::Tensor FactorizedBlockImpl::forward(const torch::Tensor& u) { return u + attention_(norm_(u)); }

FactFormerImpl::FactFormerImpl(const FactFormerOptions& options) : options_(options) {
  const auto& o = options_;
  FF_REQUIRE(o.dimension >= 1 && o.dimension <= 3, InputError, "FactFormer takes 1D to 3D grids, got {}D", o.dimension);
  FF_REQUIRE(o.in_channels >= 1 && o.out_channels >= 1 && o.depth >= 1 && o.iterations >= 1 && o.dim >= 1 &&
                 o.heads >= 1 && o.dim_head >= 1 && o.kernel_ratio >= 1,
             InputError,
             "FactFormer channels, depth, iterations, dim, heads, dim_head and kernel_ratio must be positive");
  FactorizedAttentionOptions attention;
  attention.dim = o.dim;
  attention.heads = o.heads;
  attention.dim_head = o.dim_head;
  attention.kernel_dim = 2 * ((o.dim_head * o.kernel_ratio + 1) / 2);  // rotary pairs need an even width
  attention.dimension = o.dimension;
  attention.parallel = o.implicit;

  const int inputs = o.in_channels + (o.coordinates ? 2 * o.dimension : 0);
  lift_ = register_module("lift", torch::nn::Linear(inputs, o.dim));
  for (int b = 0; b < (o.implicit ? 1 : o.depth); ++b)
    blocks_.push_back(register_module(fmt::format("block{}", b), FactorizedBlock(attention)));
  head_norm_ = register_module("head_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({o.dim})));
  head_hidden_ = register_module("head_hidden", torch::nn::Linear(o.dim, o.dim));
  head_out_ = register_module("head_out", torch::nn::Linear(o.dim, o.out_channels));
}

torch::Tensor FactFormerImpl::with_coordinates(const torch::Tensor& x) const {
  if (!options_.coordinates) return x;
  const int d = options_.dimension;
  std::vector<torch::Tensor> channels{x};
  for (int a = 0; a < d; ++a) {
    const int64_t n = x.size(2 + a);
    std::vector<int64_t> shape(static_cast<std::size_t>(d + 2), 1);
    shape[static_cast<std::size_t>(2 + a)] = n;
    const torch::Tensor angle = torch::arange(n, x.options()).mul(2.0 * M_PI / n).view(shape);
    std::vector<int64_t> full(x.sizes().begin(), x.sizes().end());
    full[1] = 1;
    channels.push_back(angle.cos().expand(full));
    channels.push_back(angle.sin().expand(full));
  }
  return torch::cat(channels, 1);
}

torch::Tensor FactFormerImpl::lift(const torch::Tensor& x) {
  const auto& o = options_;
  FF_REQUIRE(x.dim() == o.dimension + 2 && x.size(1) == o.in_channels, InputError,
             "this FactFormer expects [batch, {}, grid] on a {}D grid, got {}", o.in_channels, o.dimension,
             shape_of(x));
  return lift_(with_coordinates(x).movedim(1, -1));
}

torch::Tensor FactFormerImpl::encode(torch::Tensor u) {
  if (options_.implicit) {
    for (int k = 0; k < options_.iterations; ++k) u = blocks_.front()(u);
  } else {
    for (auto& block : blocks_) u = block(u);
  }
  return u;
}

torch::Tensor FactFormerImpl::head(const torch::Tensor& u) {
  return head_out_(torch::gelu(head_hidden_(head_norm_(u)))).movedim(-1, 1);
}

torch::Tensor FactFormerImpl::forward(const torch::Tensor& x) { return head(encode(lift(x))); }

int64_t FactFormerImpl::parameter_count() const {
  int64_t count = 0;
  for (const auto& p : parameters()) count += p.numel();
  return count;
}

}  // namespace ff::operators
