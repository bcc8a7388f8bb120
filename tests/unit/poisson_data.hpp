// Pairs (f, u) for operator-learning tests: f ~ GRF N(0, (−Δ + 9)^(−2)) on
// the n² torus and u = (−Δ + κ²)⁻¹ f with zero mean, the solution map of the
// periodic (screened) Poisson problem, as float64 [count, 1, n, n] tensors.
#pragma once

#include "core/rng.hpp"
#include "solvers/fourier/grf.hpp"

#include <torch/fft.h>
#include <torch/torch.h>

#include <utility>

namespace ff::test {

inline std::pair<torch::Tensor, torch::Tensor> poisson_pairs(int n, int count, double screening = 0.0) {
  spectral::GrfOptions grf_options;
  grf_options.n = n;
  spectral::GaussianRandomField grf(grf_options);
  torch::Tensor f = torch::empty({count, 1, n, n}, torch::kFloat64);
  for (int i = 0; i < count; ++i) {
    SampleRng rng(9, 0, i);
    grf.sample(rng, f[i].data_ptr<double>());
  }
  const auto k = torch::fft::fftfreq(n, 1.0 / n, torch::kFloat64);
  const auto k_half = torch::fft::rfftfreq(n, 1.0 / n, torch::kFloat64);
  auto k2 = (k.view({n, 1}).pow(2) + k_half.view({1, -1}).pow(2)) * (4 * M_PI * M_PI) + screening * screening;
  if (screening == 0) k2.index_put_({0, 0}, 1.0);
  auto u_hat = torch::fft::rfft2(f) / k2;
  u_hat.index_put_({torch::indexing::Ellipsis, 0, 0}, 0.0);
  return {f, torch::fft::irfft2(u_hat, std::vector<int64_t>{n, n})};
}

}  // namespace ff::test
