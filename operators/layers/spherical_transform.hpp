// The real spherical harmonic transform as differentiable tensor operations,
// for the spectral layers of the SFNO (Bonev et al., 2023). Same convention
// as the FFTW transform of solvers/sphere/sht.hpp:
//
//   forward:  a_lm = Σ_j w_j P̄_lm(x_j) (2π/nlon) Σ_k f_jk e^{−imφ_k}
//   inverse:  f_jk = Σ_l [a_l0 P̄_l0(x_j) + 2 Re Σ_{m≥1} a_lm P̄_lm(x_j) e^{imφ_k}]
//
// for 0 ≤ m ≤ mmax, m ≤ l ≤ lmax. Along longitude an FFT (rfft / irfft),
// along latitude one batched contraction per order m with a dense
// [mmax+1, lmax+1, nlat] Legendre matrix (zero for l < m), made once from
// ff::sphere::legendre_values and held as buffers, so they follow .to(device)
// and the module's dtype. Coefficients are complex [..., lmax+1, mmax+1]
// (degree l, then order m), zero where l < m.
#pragma once

#include "solvers/sphere/sphere_grid.hpp"

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

namespace ff::operators {

struct SphericalTransformOptions {
  sphere::GridKind grid = sphere::GridKind::gauss;
  int nlat = 0, nlon = 0;
  int lmax = -1;                         // −1: the grid's largest exact degree
  int mmax = -1;                         // −1: min(lmax, (nlon − 1) / 2)
  torch::Dtype dtype = torch::kFloat32;  // of the Legendre matrices (kFloat64 for exact tests)
};

class SphericalTransformImpl : public torch::nn::Module {
 public:
  // InputError when the grid cannot resolve lmax exactly
  // (SphereGrid::max_exact_degree) or has fewer than 2 mmax + 1 longitudes.
  explicit SphericalTransformImpl(const SphericalTransformOptions& options);

  // [..., nlat, nlon] real -> [..., lmax+1, mmax+1] complex.
  torch::Tensor forward(const torch::Tensor& fields);
  // [..., lmax+1, mmax+1] complex -> [..., nlat, nlon] real.
  torch::Tensor inverse(const torch::Tensor& coefficients);

  const SphericalTransformOptions& options() const { return options_; }  // lmax, mmax resolved
  int lmax() const { return options_.lmax; }
  int mmax() const { return options_.mmax; }

 private:
  SphericalTransformOptions options_;
  torch::Tensor analysis_;   // w_j P̄_lm(x_j) 2π/nlon as [m, l, j]
  torch::Tensor synthesis_;  // P̄_lm(x_j) as [m, l, j]
};
TORCH_MODULE(SphericalTransform);

}  // namespace ff::operators
