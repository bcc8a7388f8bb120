#include "operators/layers/spectral_conv.hpp"

#include "core/error.hpp"
#include "operators/layers/fftw_spectral.hpp"
#include "operators/layers/shape.hpp"

#include <torch/fft.h>
#include <torch/torch.h>

namespace ff::operators {

std::vector<int> mode_grid_extent(const std::vector<int>& modes) {
  std::vector<int> extent(modes);
  for (std::size_t a = 0; a + 1 < extent.size(); ++a) extent[a] *= 2;
  return extent;
}

namespace {

// irfftn of a half spectrum that holds only the lowest `columns` of the
// n/2 + 1 columns of the last axis (the rest zero), written out: complex
// inverse transforms of the full axes on those columns alone, then a real one
// of the last axis, which pads the missing columns with zeros. Column by
// column this is the arithmetic of irfftn on the zero-filled spectrum, minus
// the transforms of zero columns (bit for bit on the CPU, to round-off on
// other backends). Its k = 0 (and Nyquist) column must be real there; CPU
// FFTs drop the imaginary part silently but cuFFT's result is undefined, so
// it is dropped explicitly.
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
  const bool nyquist = n % 2 == 0 && columns == n / 2 + 1 && columns > 1;
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

void SpectralConvImpl::check_input(const torch::Tensor& x) const {
  const int in = weights_->options().in_channels;
  FF_REQUIRE(x.dim() == dim() + 2 && x.size(1) == in, InputError,
             "spectral convolution expects [batch, {}, {}D grid], got {}", in, dim(), shape_of(x));
  check_resolution(x.sizes().slice(2));
}

torch::Tensor SpectralConvImpl::forward(const torch::Tensor& x) {
  check_input(x);
  // Under mixed precision x may arrive in 16 bit from a pointwise layer: the
  // transforms and the complex weights stay in float32 (CPU FFTs take no
  // 16-bit input, cuFFT only power-of-two sizes, and low modes carry most of
  // the signal).
  const bool reduced = x.scalar_type() == torch::kHalf || x.scalar_type() == torch::kBFloat16;
  const torch::Tensor input = reduced ? x.to(torch::kFloat32) : x;
  if (!fftw_spectral_supports(input)) return forward_reference(input);
  const torch::Tensor x_hat = kept_modes(input, modes_);
  // Dense weights mix modes in the blocked kernel; factorized ones contract
  // through their factors.
  const torch::Tensor mixed = weights_->options().factorization == "dense"
                                  ? mix_modes(x_hat, torch::view_as_real(weights_->reconstruct(layer_)))
                                  : weights_->contract(layer_, x_hat);
  return from_kept_modes(mixed, input.sizes().slice(2).vec(), modes_);
}

torch::Tensor SpectralConvImpl::forward_reference(const torch::Tensor& x) {
  check_input(x);
  const int d = dim();
  const auto spatial = x.sizes().slice(2);
  const int64_t last = d + 1;
  std::vector<int64_t> full_axes;
  for (int a = 0; a + 1 < d; ++a) full_axes.push_back(a + 2);

  // rfftn restricted to the kept columns of the last axis: its real FFT, the
  // lowest modes[d−1] columns of that, then the complex FFTs of the full axes
  // on those columns only, which skips the transforms of discarded columns
  // forward and backward. On the CPU (pocketfft runs rfftn as this same
  // r2c-then-c2c sequence, column by column) the kept modes come out bit for
  // bit as from rfftn; other backends agree to round-off.
  const bool reduced = x.scalar_type() == torch::kHalf || x.scalar_type() == torch::kBFloat16;
  torch::Tensor x_hat =
      torch::fft::rfft(reduced ? x.to(torch::kFloat32) : x, c10::nullopt, last).narrow(last, 0, modes_[d - 1]);
  if (d > 1) x_hat = torch::fft::fftn(x_hat, spatial.slice(0, d - 1), full_axes);

  // Gather the kept modes into the mode grid, full axes as [0, m) ++ [n−m, n).
  torch::Tensor gathered = x_hat;
  for (int a = 0; a + 1 < d; ++a) {
    const int m = modes_[a];
    gathered = torch::cat({gathered.narrow(a + 2, 0, m), gathered.narrow(a + 2, spatial[a] - m, m)}, a + 2);
  }
  const torch::Tensor mixed = weights_->contract(layer_, gathered);

  // Scatter back onto the full axes: the mode grid's first m entries to
  // [0, m), its last m to [n−m, n), zeros between. The last axis keeps its
  // modes[d−1] columns; the inverse transform pads the rest.
  torch::Tensor y_hat = mixed;
  for (int a = 0; a + 1 < d; ++a) {
    const int m = modes_[a];
    std::vector<torch::Tensor> blocks;
    blocks.reserve(3);
    blocks.push_back(y_hat.narrow(a + 2, 0, m));
    if (spatial[a] > 2 * m) {
      std::vector<int64_t> gap(y_hat.sizes().begin(), y_hat.sizes().end());
      gap[a + 2] = spatial[a] - 2 * m;
      blocks.push_back(torch::zeros(gap, y_hat.options()));
    }
    blocks.push_back(y_hat.narrow(a + 2, m, m));
    y_hat = torch::cat(blocks, a + 2);
  }
  return inverse_half_spectrum(y_hat, spatial);
}

}  // namespace ff::operators
