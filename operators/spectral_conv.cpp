#include "operators/spectral_conv.hpp"

#include "core/error.hpp"
#include "operators/shape.hpp"

#include <torch/fft.h>
#include <torch/torch.h>

namespace ff::operators {

std::vector<int> mode_grid_extent(const std::vector<int>& modes) {
  std::vector<int> extent(modes);
  for (std::size_t a = 0; a + 1 < extent.size(); ++a) extent[a] *= 2;
  return extent;
}

namespace {

// irfftn written out: complex inverse transforms of the full axes, then a
// real one of the halved last axis. Its k = 0 (and Nyquist) column must be
// real there; CPU FFTs drop the imaginary part silently but cuFFT's result
// is undefined, so it is dropped explicitly.
torch::Tensor inverse_half_spectrum(const torch::Tensor& y_hat, torch::IntArrayRef spatial) {
  const int64_t d = static_cast<int64_t>(spatial.size()), last = d + 1, n = spatial[d - 1];
  torch::Tensor y = y_hat;
  if (d > 1) {
    std::vector<int64_t> full_axes;
    for (int64_t a = 0; a + 1 < d; ++a) full_axes.push_back(a + 2);
    y = torch::fft::ifftn(y, spatial.slice(0, d - 1), full_axes);
  }
  auto real_column = [&](int64_t index) {
    const torch::Tensor column = torch::real(y.narrow(last, index, 1));
    return torch::complex(column, torch::zeros_like(column));
  };
  const int64_t columns = y.size(last);
  std::vector<torch::Tensor> parts{real_column(0)};
  const bool nyquist = n % 2 == 0 && columns > 1;
  if (columns > 1 + nyquist) parts.push_back(y.narrow(last, 1, columns - 1 - nyquist));
  if (nyquist) parts.push_back(real_column(columns - 1));
  return torch::fft::irfft(torch::cat(parts, last), n, last);
}

}  // namespace

SpectralConvImpl::SpectralConvImpl(std::vector<int> modes, std::shared_ptr<SpectralWeightsImpl> weights, int layer)
    : modes_(std::move(modes)), weights_(std::move(weights)), layer_(layer) {
  FF_REQUIRE(!modes_.empty() && modes_.size() <= 3, InputError, "spectral convolution is 1D, 2D or 3D, got {} modes",
             modes_.size());
  for (int m : modes_) FF_REQUIRE(m >= 1, InputError, "spectral convolution modes must be >= 1, got {}", m);
  FF_REQUIRE(weights_ && weights_->options().mode_extent == mode_grid_extent(modes_), InputError,
             "spectral weights do not match the modes of the convolution");
  FF_REQUIRE(layer_ >= 0 && layer_ < weights_->options().layers, InputError, "layer {} of {} spectral weight layers",
             layer_, weights_->options().layers);
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
  const int in = weights_->options().in_channels, out = weights_->options().out_channels;
  FF_REQUIRE(x.dim() == d + 2 && x.size(1) == in, InputError, "spectral convolution expects [batch, {}, {}D grid], got {}",
             in, d, shape_of(x));
  const auto spatial = x.sizes().slice(2);
  check_resolution(spatial);
  std::vector<int64_t> axes(d);
  for (int a = 0; a < d; ++a) axes[a] = a + 2;
  const torch::Tensor x_hat = torch::fft::rfftn(x, spatial, axes);

  // Gather the kept modes into the mode grid, full axes as [0, m) ++ [n−m, n).
  torch::Tensor gathered = x_hat;
  for (int a = 0; a < d; ++a) {
    const int m = modes_[a];
    gathered = a + 1 < d ? torch::cat({gathered.narrow(a + 2, 0, m), gathered.narrow(a + 2, spatial[a] - m, m)}, a + 2)
                         : gathered.narrow(a + 2, 0, m);
  }
  const torch::Tensor mixed = weights_->contract(layer_, gathered);

  // Scatter back: block b takes the negative frequencies on full axis a when
  // bit a of b is set.
  std::vector<int64_t> out_shape{x.size(0), out};
  out_shape.insert(out_shape.end(), x_hat.sizes().begin() + 2, x_hat.sizes().end());
  torch::Tensor y_hat = torch::zeros(out_shape, x_hat.options());
  for (int b = 0; b < (1 << (d - 1)); ++b) {
    torch::Tensor source = mixed, target = y_hat;
    for (int a = 0; a < d; ++a) {
      const int m = modes_[a];
      const bool negative = (b >> a) & 1;
      source = source.narrow(a + 2, negative ? m : 0, m);
      target = target.narrow(a + 2, negative ? spatial[a] - m : 0, m);
    }
    target.copy_(source);
  }
  return inverse_half_spectrum(y_hat, spatial);
}

}  // namespace ff::operators
