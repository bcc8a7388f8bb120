#include "operators/layers/spherical_transform.hpp"

#include "core/error.hpp"
#include "operators/layers/shape.hpp"
#include "solvers/sphere/legendre.hpp"

#include <torch/fft.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace ff::operators {

SphericalTransformImpl::SphericalTransformImpl(const SphericalTransformOptions& options) : options_(options) {
  SphericalTransformOptions& o = options_;
  const sphere::SphereGrid grid = sphere::make_sphere_grid(o.grid, o.nlat, o.nlon);
  if (o.lmax < 0) o.lmax = grid.max_exact_degree();
  if (o.mmax < 0) o.mmax = std::min(o.lmax, (o.nlon - 1) / 2);
  FF_REQUIRE(o.lmax <= grid.max_exact_degree(), InputError,
             "a {} grid of {} latitudes resolves degrees up to {}, not lmax = {}", sphere::to_string(o.grid), o.nlat,
             grid.max_exact_degree(), o.lmax);
  FF_REQUIRE(o.mmax >= 0 && o.mmax <= o.lmax, InputError, "spherical harmonics need 0 <= mmax <= lmax, got {} and {}",
             o.mmax, o.lmax);
  FF_REQUIRE(o.nlon >= 2 * o.mmax + 1, InputError, "{} longitudes cannot hold order m = {} (use nlon >= {})", o.nlon,
             o.mmax, 2 * o.mmax + 1);
  FF_REQUIRE(o.dtype == torch::kFloat32 || o.dtype == torch::kFloat64, InputError,
             "the Legendre matrices are float32 or float64");

  // Dense [m, l, j] matrices from the triangular table (zero for l < m).
  const int n = o.nlat, nl = o.lmax + 1, nm = o.mmax + 1;
  const std::vector<double> table = sphere::legendre_values(o.lmax, o.mmax, grid.cos_theta, grid.sin_theta);
  const double ring = 2.0 * M_PI / o.nlon;  // the longitude quadrature weight
  std::vector<double> analysis(static_cast<std::size_t>(nm) * nl * n, 0.0), synthesis(analysis.size(), 0.0);
  for (int m = 0; m < nm; ++m)
    for (int l = m; l < nl; ++l)
      for (int j = 0; j < n; ++j) {
        const double p = table[sphere::triangular_index(o.lmax, l, m) * n + j];  // P̄_lm(x_j)
        const std::size_t at = (static_cast<std::size_t>(m) * nl + l) * n + j;
        synthesis[at] = p;
        analysis[at] = grid.weights[j] * p * ring;  // w_j P̄_lm(x_j) 2π/nlon
      }
  const auto as_tensor = [&](const std::vector<double>& values) {
    return torch::tensor(values, torch::kFloat64).view({nm, nl, n}).to(o.dtype);
  };
  analysis_ = register_buffer("analysis", as_tensor(analysis));
  synthesis_ = register_buffer("synthesis", as_tensor(synthesis));
}

namespace {

// Under mixed precision fields may arrive in 16 bit: the transforms run in
// float32 (CPU FFTs take no 16-bit input).
torch::Tensor transformable(const torch::Tensor& x) {
  const bool reduced = x.scalar_type() == torch::kHalf || x.scalar_type() == torch::kBFloat16;
  return reduced ? x.to(torch::kFloat32) : x;
}

}  // namespace

torch::Tensor SphericalTransformImpl::forward(const torch::Tensor& fields) {
  const auto& o = options_;
  FF_REQUIRE(fields.dim() >= 2 && fields.size(-2) == o.nlat && fields.size(-1) == o.nlon && !fields.is_complex(),
             InputError, "this spherical transform takes real [..., {}, {}] fields, got {}", o.nlat, o.nlon,
             shape_of(fields));
  const torch::Tensor f = transformable(fields);
  // Σ_k f_jk e^{−imφ_k} for m = 0..mmax, as real pairs: [..., j, m, 2].
  const torch::Tensor rings = torch::view_as_real(torch::fft::rfft(f, c10::nullopt, -1).narrow(-1, 0, o.mmax + 1));
  // a_lm = Σ_j (w_j P̄_lm(x_j) 2π/nlon) · ring_jm, one matrix product per m.
  const torch::Tensor a = torch::einsum("...jmc,mlj->...lmc", {rings, analysis_.to(f.scalar_type())});
  return torch::view_as_complex(a.contiguous());
}

torch::Tensor SphericalTransformImpl::inverse(const torch::Tensor& coefficients) {
  const auto& o = options_;
  FF_REQUIRE(coefficients.dim() >= 2 && coefficients.size(-2) == o.lmax + 1 && coefficients.size(-1) == o.mmax + 1 &&
                 coefficients.is_complex(),
             InputError, "this spherical transform takes complex [..., {}, {}] coefficients, got {}", o.lmax + 1,
             o.mmax + 1, shape_of(coefficients));
  const torch::Tensor a = torch::view_as_real(coefficients);  // [..., l, m, 2]
  // F_jm = Σ_l P̄_lm(x_j) a_lm: the Fourier coefficients of ring j.
  torch::Tensor rings = torch::einsum("...lmc,mlj->...jmc", {a, synthesis_.to(a.scalar_type())});
  // A real field's m = 0 part is real: drop its imaginary part explicitly
  // (CPU FFTs ignore it, cuFFT's result would be undefined).
  torch::Tensor keep = torch::ones({o.mmax + 1, 2}, rings.options());
  keep[0][1] = 0;
  rings = rings * keep;
  // Orders above mmax are zero; irfft without scaling ("forward" norm) sums
  // F_j0 + 2 Re Σ_{m≥1} F_jm e^{imφ_k} (nlon ≥ 2 mmax + 1: no Nyquist term).
  const int64_t columns = o.nlon / 2 + 1;
  rings = torch::constant_pad_nd(rings, {0, 0, 0, columns - (o.mmax + 1)});
  return torch::fft::irfft(torch::view_as_complex(rings.contiguous()), o.nlon, -1, c10::string_view("forward"));
}

}  // namespace ff::operators
