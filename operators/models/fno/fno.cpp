#include "operators/models/fno/fno.hpp"

#include "core/error.hpp"
#include "operators/layers/shape.hpp"

#include <torch/torch.h>

#include <fmt/format.h>

namespace ff::operators {

FnoImpl::FnoImpl(const FnoOptions& options) : options_(options) {
  const int d = static_cast<int>(options.modes.size());
  FF_REQUIRE(d >= 1 && d <= 3, InputError, "FNO is 1D, 2D or 3D, got {} modes", d);
  FF_REQUIRE(options.width >= 1 && options.layers >= 1 && options.projection >= 1, InputError,
             "FNO width, layers and projection must be >= 1");
  FF_REQUIRE(options.padding >= 0, InputError, "FNO padding must be >= 0, got {}", options.padding);
  const int grid_channels = options.grid == GridChannels::none ? 0 : d;
  lift_ = register_module("lift", PointwiseLinear(options.in_channels + grid_channels, options.width));
  SpectralWeightsOptions weights;
  weights.layers = options.layers;
  weights.in_channels = weights.out_channels = options.width;
  weights.mode_extent = mode_grid_extent(options.modes);
  weights.factorization = options.factorization;
  weights.rank = options.rank;
  weights.ranks = options.ranks;
  weights.reconstructed = options.reconstructed;
  weights.joint = options.joint;
  spectral_weights_ = register_module("spectral_weights", make_spectral_weights(weights));
  for (int l = 0; l < options.layers; ++l) {
    spectral_.emplace_back(options.modes, spectral_weights_, l);
    skip_.push_back(register_module(fmt::format("skip{}", l), PointwiseLinear(options.width, options.width)));
  }
  project_hidden_ = register_module("project_hidden", PointwiseLinear(options.width, options.projection));
  project_out_ = register_module("project_out", PointwiseLinear(options.projection, options.out_channels));
}

torch::Tensor FnoImpl::with_grid(const torch::Tensor& x) const {
  if (options_.grid == GridChannels::none) return x;
  const int d = static_cast<int>(options_.modes.size());
  std::vector<torch::Tensor> channels{x};
  for (int a = 0; a < d; ++a) {
    const int64_t n = x.size(a + 2);
    const double step = options_.grid == GridChannels::periodic ? 1.0 / n : 1.0 / std::max<int64_t>(n - 1, 1);
    std::vector<int64_t> view(d + 2, 1), expand(x.sizes().begin(), x.sizes().end());
    view[a + 2] = n;
    expand[1] = 1;
    channels.push_back(torch::arange(n, x.options()).mul(step).view(view).expand(expand));
  }
  return torch::cat(channels, 1);
}

torch::Tensor FnoImpl::forward(const torch::Tensor& x) {
  const int d = static_cast<int>(options_.modes.size());
  FF_REQUIRE(x.dim() == d + 2 && x.size(1) == options_.in_channels, InputError,
             "this {}D FNO expects [batch, {}, {}D grid], got {}", d, options_.in_channels, d, shape_of(x));
  torch::Tensor v = lift_(with_grid(x));
  const int p = options_.padding;
  if (p > 0) {
    std::vector<int64_t> pad;  // (before, after) per axis, last axis first
    for (int a = 0; a < d; ++a) pad.insert(pad.end(), {0, p});
    v = torch::constant_pad_nd(v, pad);
  }
  for (int l = 0; l < options_.layers; ++l) {
    v = spectral_[l](v) + skip_[l](v);
    if (l + 1 < options_.layers) v = torch::gelu(v);
  }
  for (int a = 0; a < d && p > 0; ++a) v = v.narrow(a + 2, 0, v.size(a + 2) - p);
  return project_out_(torch::gelu(project_hidden_(v)));
}

int64_t FnoImpl::parameter_count() const {
  int64_t count = 0;
  for (const auto& p : parameters()) count += p.numel();
  return count;
}

}  // namespace ff::operators
