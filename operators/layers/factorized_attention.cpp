#include "operators/layers/factorized_attention.hpp"

#include "core/error.hpp"
#include "operators/layers/shape.hpp"

#include <torch/torch.h>

#include <fmt/format.h>

#include <cmath>
#include <string>

namespace ff::operators {

namespace {

// Linear maps without bias: the kernel and value maps act on normalized
// fields, as in the authors' code.
torch::nn::Linear linear(int in, int out, bool bias = false) {
  return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias));
}

// The einsum that applies kernel [b, h, n_a, n_a] along grid axis `axis` of
// v [b, h, n_1 … n_d, c]: "bhiz,bhzjc->bhijc" for axis 0 of a 2D grid.
std::string axis_product(int axis, int dimension) {
  const std::string grid = std::string("ijkl").substr(0, static_cast<std::size_t>(dimension));
  std::string contracted = grid;
  contracted[static_cast<std::size_t>(axis)] = 'z';
  return fmt::format("bh{}z,bh{}c->bh{}c", grid[static_cast<std::size_t>(axis)], contracted, grid);
}

}  // namespace

torch::Tensor rotary_encoding(const torch::Tensor& x) {
  const int64_t n = x.size(-2), width = x.size(-1), half = width / 2;
  FF_REQUIRE(width % 2 == 0, InputError, "rotary encoding needs an even width, got {}", width);
  const auto options = x.options();
  const torch::Tensor rows = torch::arange(n, options).div(static_cast<double>(n)).unsqueeze(1);
  const torch::Tensor wavenumbers = torch::arange(half, options).unsqueeze(0);
  const torch::Tensor angle = rows.mul(wavenumbers).mul(2.0 * M_PI);  // [n, half]
  const torch::Tensor cos = angle.cos(), sin = angle.sin();
  const torch::Tensor first = x.narrow(-1, 0, half), second = x.narrow(-1, half, half);
  return torch::cat({first * cos - second * sin, second * cos + first * sin}, -1);
}

AxialKernelImpl::AxialKernelImpl(int dim, int heads, int kernel_dim) : heads_(heads) {
  reduce_ = register_module("reduce", linear(dim, dim));
  norm_ = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})));
  gate_ = register_module("gate", linear(dim, 2 * dim, true));  // GEGLU: GELU(first half) · second half
  down_ = register_module("down", linear(dim, dim, true));
  query_ = register_module("query", linear(dim, heads * kernel_dim));
  key_ = register_module("key", linear(dim, heads * kernel_dim));
}

torch::Tensor AxialKernelImpl::forward(const torch::Tensor& pooled) {
  const int64_t batch = pooled.size(0), n = pooled.size(1);
  torch::Tensor p = norm_(reduce_(pooled));
  const torch::Tensor gated = gate_(p);
  const int64_t dim = p.size(-1);
  p = down_(torch::gelu(gated.narrow(-1, 0, dim)) * gated.narrow(-1, dim, dim));
  auto per_head = [&](const torch::Tensor& t) { return t.view({batch, n, heads_, -1}).transpose(1, 2); };
  const torch::Tensor q = rotary_encoding(per_head(query_(p)));
  const torch::Tensor k = rotary_encoding(per_head(key_(p)));
  return torch::matmul(q, k.transpose(-1, -2)).div(static_cast<double>(n));
}

FactorizedAttentionImpl::FactorizedAttentionImpl(const FactorizedAttentionOptions& options) : options_(options) {
  const auto& o = options_;
  FF_REQUIRE(o.dimension >= 1 && o.dimension <= 4, InputError, "factorized attention takes 1 to 4 grid axes, got {}",
             o.dimension);
  FF_REQUIRE(o.dim >= 1 && o.heads >= 1 && o.dim_head >= 1 && o.kernel_dim >= 2 && o.kernel_dim % 2 == 0, InputError,
             "factorized attention needs positive widths and an even kernel width");
  value_ = register_module("value", linear(o.dim, o.heads * o.dim_head));
  for (int a = 0; a < o.dimension; ++a)
    axial_.push_back(register_module(fmt::format("axis{}", a), AxialKernel(o.dim, o.heads, o.kernel_dim)));
  const int mixed = o.heads * o.dim_head * (o.parallel ? o.dimension : 1);
  out_hidden_ = register_module("out_hidden", linear(mixed, o.dim));
  out_ = register_module("out", linear(o.dim, o.dim));
}

std::vector<torch::Tensor> FactorizedAttentionImpl::kernels(const torch::Tensor& u) {
  const int d = options_.dimension;
  FF_REQUIRE(u.dim() == d + 2 && u.size(-1) == options_.dim, InputError,
             "factorized attention on a {}D grid of {} channels expects [batch, grid…, {}], got {}", d, options_.dim,
             options_.dim, shape_of(u));
  std::vector<torch::Tensor> result;
  for (int a = 0; a < d; ++a) {
    std::vector<int64_t> others;
    for (int b = 0; b < d; ++b)
      if (b != a) others.push_back(1 + b);
    const torch::Tensor pooled = others.empty() ? u : u.mean(others);  // [batch, n_a, dim]
    result.push_back(axial_[static_cast<std::size_t>(a)](pooled));
  }
  return result;
}

torch::Tensor FactorizedAttentionImpl::values(const torch::Tensor& u) {
  const int d = options_.dimension;
  std::vector<int64_t> shape(u.sizes().begin(), u.sizes().end() - 1);
  shape.push_back(options_.heads);
  shape.push_back(options_.dim_head);
  // [batch, grid…, heads, c] -> [batch, heads, grid…, c]
  return value_(u).view(shape).movedim(d + 1, 1);
}

torch::Tensor FactorizedAttentionImpl::mix(const std::vector<torch::Tensor>& kernels, const torch::Tensor& v) const {
  const int d = options_.dimension;
  if (!options_.parallel) {
    torch::Tensor z = v;
    for (int a = 0; a < d; ++a) z = torch::einsum(axis_product(a, d), {kernels[static_cast<std::size_t>(a)], z});
    return z;
  }
  std::vector<torch::Tensor> per_axis;
  for (int a = 0; a < d; ++a) per_axis.push_back(torch::einsum(axis_product(a, d), {kernels[a], v}));
  return torch::cat(per_axis, 1);
}

torch::Tensor FactorizedAttentionImpl::output(const torch::Tensor& z) {
  const int d = options_.dimension;
  // Group norm per (sample, group) over the grid and the group's channels.
  std::vector<int64_t> reduce;
  for (int a = 2; a < z.dim(); ++a) reduce.push_back(a);
  const auto [variance, mean] = torch::var_mean(z, reduce, /*unbiased=*/false, /*keepdim=*/true);
  const torch::Tensor normalized = (z - mean) * torch::rsqrt(variance + 1e-5);
  // [batch, groups, grid…, c] -> [batch, grid…, groups·c]
  const torch::Tensor channels_last = normalized.movedim(1, d + 1).flatten(d + 1);
  return out_(torch::gelu(out_hidden_(channels_last)));
}

torch::Tensor FactorizedAttentionImpl::forward(const torch::Tensor& u) { return output(mix(kernels(u), values(u))); }

}  // namespace ff::operators
