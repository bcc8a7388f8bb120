#include "operators/spectral_conv.hpp"

#include "core/error.hpp"
#include "operators/shape.hpp"

#include <torch/fft.h>
#include <torch/torch.h>

#include <fmt/format.h>

namespace ff::operators {
namespace {

// "bixy,ioxy->boxy" for d = 2: contract the input channel per mode.
std::string mode_contraction(int d) {
  const std::string axes = std::string("xyz").substr(0, d);
  return "bi" + axes + ",io" + axes + "->bo" + axes;
}

}  // namespace

SpectralConvImpl::SpectralConvImpl(int in_channels, int out_channels, std::vector<int> modes)
    : in_channels_(in_channels), out_channels_(out_channels), modes_(std::move(modes)) {
  FF_REQUIRE(!modes_.empty() && modes_.size() <= 3, InputError, "spectral convolution is 1D, 2D or 3D, got {} modes",
             modes_.size());
  for (int m : modes_) FF_REQUIRE(m >= 1, InputError, "spectral convolution modes must be >= 1, got {}", m);
  FF_REQUIRE(in_channels >= 1 && out_channels >= 1, InputError, "spectral convolution channels must be >= 1");
  std::vector<int64_t> shape{in_channels, out_channels};
  shape.insert(shape.end(), modes_.begin(), modes_.end());
  shape.push_back(2);
  // Uniform in [0, 1/(in·out)), as in the FNO reference, so that the layer's
  // output starts at the scale of its input whatever the width.
  const double scale = 1.0 / (static_cast<double>(in_channels) * out_channels);
  const int blocks = 1 << (dim() - 1);
  for (int b = 0; b < blocks; ++b)
    weights_.push_back(register_parameter(fmt::format("weight{}", b), scale * torch::rand(shape)));
}

void SpectralConvImpl::check_resolution(torch::IntArrayRef spatial) const {
  FF_REQUIRE(static_cast<int>(spatial.size()) == dim(), InputError, "a {}D spectral convolution got {} spatial axes",
             dim(), spatial.size());
  for (int a = 0; a < dim(); ++a) {
    const bool last = a == dim() - 1;
    const int64_t needed = last ? 2 * (modes_[a] - 1) : 2 * modes_[a];
    FF_REQUIRE(spatial[a] >= needed, InputError,
               "resolution {} on axis {} is too small for {} Fourier modes (needs at least {})", spatial[a], a,
               modes_[a], needed);
  }
}

torch::Tensor SpectralConvImpl::forward(const torch::Tensor& x) {
  const int d = dim();
  FF_REQUIRE(x.dim() == d + 2 && x.size(1) == in_channels_, InputError,
             "spectral convolution expects [batch, {}, {}D grid], got {}", in_channels_, d, shape_of(x));
  const auto spatial = x.sizes().slice(2);
  check_resolution(spatial);
  std::vector<int64_t> axes(d);
  for (int a = 0; a < d; ++a) axes[a] = a + 2;

  const torch::Tensor x_hat = torch::fft::rfftn(x, c10::nullopt, axes);
  std::vector<int64_t> out_shape{x.size(0), out_channels_};
  out_shape.insert(out_shape.end(), x_hat.sizes().begin() + 2, x_hat.sizes().end());
  torch::Tensor y_hat = torch::zeros(out_shape, x_hat.options());

  const std::string contraction = mode_contraction(d);
  for (std::size_t b = 0; b < weights_.size(); ++b) {
    torch::Tensor in_block = x_hat, out_block = y_hat;
    for (int a = 0; a < d; ++a) {
      const bool negative = (b >> a) & 1;  // only full axes (a < d − 1) take negative frequencies
      const int64_t start = negative ? spatial[a] - modes_[a] : 0;
      in_block = in_block.narrow(a + 2, start, modes_[a]);
      out_block = out_block.narrow(a + 2, start, modes_[a]);
    }
    out_block.copy_(torch::einsum(contraction, {in_block, torch::view_as_complex(weights_[b])}));
  }
  return torch::fft::irfftn(y_hat, spatial, axes);
}

}  // namespace ff::operators
