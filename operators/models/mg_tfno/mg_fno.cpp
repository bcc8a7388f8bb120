#include "operators/models/mg_tfno/mg_fno.hpp"

#include "core/error.hpp"
#include "operators/layers/shape.hpp"

#include <torch/torch.h>

namespace ff::operators {
namespace {

torch::Tensor average_pool(const torch::Tensor& x, int64_t factor) {
  if (factor == 1) return x;
  switch (x.dim()) {
    case 3:
      return torch::avg_pool1d(x, {factor}, {factor});
    case 4:
      return torch::avg_pool2d(x, {factor, factor}, {factor, factor});
    default:
      return torch::avg_pool3d(x, {factor, factor, factor}, {factor, factor, factor});
  }
}

}  // namespace

MultiGridFnoImpl::MultiGridFnoImpl(const MultiGridFnoOptions& options) : options_(options) {
  FF_REQUIRE(options.levels >= 1 && options.levels <= 6, InputError, "MG-TFNO levels must be in [1, 6], got {}",
             options.levels);
  FF_REQUIRE(options.padding >= 0, InputError, "MG-TFNO padding must be >= 0, got {}", options.padding);
  FnoOptions network = options.network;
  network.in_channels *= options.levels + 1;
  network_ = register_module("network", Fno(network));
}

void MultiGridFnoImpl::check_grid(torch::IntArrayRef spatial) const {
  const int64_t parts = int64_t{1} << options_.levels;
  for (std::size_t a = 0; a < spatial.size(); ++a)
    FF_REQUIRE(spatial[a] % parts == 0, InputError,
               "MG-TFNO with {} levels cuts every axis into {} patches: resolution {} on axis {} is not a multiple",
               options_.levels, parts, spatial[a], a);
}

torch::Tensor MultiGridFnoImpl::split(const torch::Tensor& x) const {
  const int d = static_cast<int>(x.dim()) - 2;
  const auto spatial = x.sizes().slice(2);
  check_grid(spatial);
  const int64_t parts = int64_t{1} << options_.levels, q = options_.padding;
  int64_t patch_count = 1;
  for (int a = 0; a < d; ++a) patch_count *= parts;

  // Regions reaching past the edge read index n: the far side when periodic,
  // else one slice of zeros appended to every axis.
  std::vector<int64_t> zero_slice;
  for (int a = 0; a < d; ++a) zero_slice.insert(zero_slice.end(), {0, 1});
  const torch::Tensor source = options_.periodic ? x : torch::constant_pad_nd(x, zero_slice);
  std::vector<torch::Tensor> patches;
  for (int64_t index = 0; index < patch_count; ++index) {
    std::vector<int64_t> patch(d);  // row-major patch multi-index
    for (int a = d - 1, rest = static_cast<int>(index); a >= 0; --a, rest /= static_cast<int>(parts))
      patch[a] = rest % parts;
    std::vector<torch::Tensor> levels;
    for (int level = 0; level <= options_.levels; ++level) {
      const bool widened = !options_.periodic && level == options_.levels;
      const int64_t factor = int64_t{1} << (widened ? level + 1 : level);
      torch::Tensor region = source;
      for (int a = 0; a < d; ++a) {
        const int64_t n = spatial[a], p = n / parts, length = (p + 2 * q) * factor;
        // The padded region centred on the patch.
        const int64_t start = patch[a] * p - (length - p + 1) / 2;  // floor((p − length)/2)
        auto indices = torch::arange(start, start + length, torch::kLong);
        const auto outside = (indices < 0) | (indices >= n);
        indices = options_.periodic ? torch::remainder(indices, n) : indices.masked_fill(outside, n);
        region = region.index_select(a + 2, indices.to(x.device()));
      }
      levels.push_back(average_pool(region, factor));
    }
    patches.push_back(torch::cat(levels, 1));
  }
  // [batch, patches, ...] -> [batch · patches, ...], batch-major.
  return torch::stack(patches, 1).flatten(0, 1);
}

torch::Tensor MultiGridFnoImpl::stitch(const torch::Tensor& patches, int64_t batch) const {
  const int d = static_cast<int>(patches.dim()) - 2;
  const int64_t parts = int64_t{1} << options_.levels, q = options_.padding;
  torch::Tensor inner = patches;
  for (int a = 0; a < d; ++a) inner = inner.narrow(a + 2, q, inner.size(a + 2) - 2 * q);
  const int64_t channels = inner.size(1);
  // [batch, P_1..P_d, channels, p_1..p_d] -> [batch, channels, P_1, p_1, ..., P_d, p_d]
  std::vector<int64_t> grid{batch};
  grid.insert(grid.end(), d, parts);
  grid.push_back(channels);
  for (int a = 0; a < d; ++a) grid.push_back(inner.size(a + 2));
  std::vector<int64_t> order{0, d + 1};
  for (int a = 0; a < d; ++a) order.insert(order.end(), {1 + a, d + 2 + a});
  std::vector<int64_t> full{batch, channels};
  for (int a = 0; a < d; ++a) full.push_back(parts * inner.size(a + 2));
  return inner.reshape(grid).permute(order).reshape(full);
}

torch::Tensor MultiGridFnoImpl::forward(const torch::Tensor& x) {
  const int d = static_cast<int>(options_.network.modes.size());
  FF_REQUIRE(x.dim() == d + 2 && x.size(1) == options_.network.in_channels, InputError,
             "this {}D MG-TFNO expects [batch, {}, {}D grid], got {}", d, options_.network.in_channels, d, shape_of(x));
  // Axes that do not divide into 2^L patches (the odd node counts of closed
  // grids) are zero-padded at their end to the next multiple; the padding is
  // cropped from the output.
  const int64_t parts = int64_t{1} << options_.levels;
  std::vector<int64_t> pad;  // (before, after) per axis, last axis first
  for (int a = d - 1; a >= 0; --a) pad.insert(pad.end(), {0, (parts - x.size(a + 2) % parts) % parts});
  torch::Tensor y = stitch(network_(split(torch::constant_pad_nd(x, pad))), x.size(0));
  for (int a = 0; a < d; ++a) y = y.narrow(a + 2, 0, x.size(a + 2));
  return y;
}

}  // namespace ff::operators
