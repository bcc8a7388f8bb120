#include "operators/models/sfno/sfno.hpp"

#include "core/error.hpp"
#include "operators/layers/shape.hpp"

#include <torch/torch.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace ff::operators {

SfnoImpl::SfnoImpl(const SfnoOptions& options) : options_(options) {
  SfnoOptions& o = options_;
  FF_REQUIRE(o.width >= 1 && o.layers >= 1 && o.projection >= 1 && o.mlp_ratio > 0, InputError,
             "SFNO width, layers, projection and mlp_ratio must be positive");
  SphericalTransformOptions sht;
  sht.grid = o.grid;
  sht.nlat = o.nlat;
  sht.nlon = o.nlon;
  sht.lmax = o.lmax > 0 ? o.lmax : -1;
  transform_ = register_module("transform", SphericalTransform(sht));
  o.lmax = transform_->lmax();

  if (o.positional) {  // cos/sin of latitude (π/2 − θ) and of longitude at every grid point
    const sphere::SphereGrid grid = sphere::make_sphere_grid(o.grid, o.nlat, o.nlon);
    const torch::Tensor theta = torch::tensor(grid.theta, torch::kFloat64).view({o.nlat, 1}).expand({o.nlat, o.nlon});
    const torch::Tensor phi =
        torch::arange(o.nlon, torch::kFloat64).mul(2.0 * M_PI / o.nlon).view({1, o.nlon}).expand({o.nlat, o.nlon});
    positional_ = register_buffer("positional",
                                  torch::stack({torch::sin(theta), torch::cos(theta), torch::cos(phi), torch::sin(phi)})
                                      .unsqueeze(0)
                                      .to(torch::kFloat32));
  }

  const int hidden = std::max(1, static_cast<int>(std::lround(o.mlp_ratio * o.width)));
  lift_ = register_module("lift", PointwiseLinear(o.in_channels + (o.positional ? 4 : 0), o.width));
  for (int b = 0; b < o.layers; ++b) {
    spectral_.push_back(
        register_module(fmt::format("spectral{}", b), SphericalConv(o.width, o.width, transform_, o.spectral)));
    skip_.push_back(register_module(fmt::format("skip{}", b), PointwiseLinear(o.width, o.width)));
    mlp_hidden_.push_back(register_module(fmt::format("mlp_hidden{}", b), PointwiseLinear(o.width, hidden)));
    mlp_out_.push_back(register_module(fmt::format("mlp_out{}", b), PointwiseLinear(hidden, o.width)));
  }
  project_hidden_ = register_module("project_hidden", PointwiseLinear(o.width, o.projection));
  project_out_ = register_module("project_out", PointwiseLinear(o.projection, o.out_channels));
}

torch::Tensor SfnoImpl::with_positional(const torch::Tensor& x) const {
  if (!options_.positional) return x;
  return torch::cat({x, positional_.to(x.scalar_type()).expand({x.size(0), 4, x.size(2), x.size(3)})}, 1);
}

torch::Tensor SfnoImpl::forward(const torch::Tensor& x) {
  const auto& o = options_;
  FF_REQUIRE(x.dim() == 4 && x.size(1) == o.in_channels && x.size(2) == o.nlat && x.size(3) == o.nlon, InputError,
             "this SFNO expects [batch, {}, {}, {}] (model.nlat × model.nlon), got {}", o.in_channels, o.nlat, o.nlon,
             shape_of(x));
  torch::Tensor v = lift_(with_positional(x));
  for (int b = 0; b < o.layers; ++b) {
    const torch::Tensor u = torch::gelu(spectral_[b](v) + skip_[b](v));
    v = v + mlp_out_[b](torch::gelu(mlp_hidden_[b](u)));
  }
  return project_out_(torch::gelu(project_hidden_(v)));
}

int64_t SfnoImpl::parameter_count() const {
  int64_t count = 0;
  for (const auto& p : parameters()) count += p.numel();
  return count;
}

int64_t SfnoImpl::spectral_parameter_count() const {
  int64_t count = 0;
  for (const auto& conv : spectral_) count += conv->parameter_count();
  return count;
}

}  // namespace ff::operators
