// The three steps of a Fourier layer as LibTorch autograd functions with
// hand-written backward passes, for float32 tensors on the CPU:
//
//   x̂ = kept_modes(x)          the kept modes of rfftn(x)       [B, C, n...] -> [B, C, M...]
//   ŷ = mix_modes(x̂, W)        ŷ[b,o,k] = Σ_i x̂[b,i,k] W[i,o,k]
//   y = from_kept_modes(ŷ)      irfftn of the zero-filled ŷ      [B, C, M...] -> [B, C, n...]
//
// (mode grid and conventions of spectral_conv.hpp). They compute what the
// LibTorch ops of SpectralConvImpl::forward_reference compute, to float32
// round-off, but transform only what is kept (KeptModeFft), contract with a
// blocked complex kernel (mode_gemm) and skip autograd's generic FFT
// backward. The backward passes are the real adjoints (LibTorch's complex
// gradient convention):
//
//   kept_modes:      x̄ = Re(Tᴴ ḡ) = C2R(½-weighted ḡ)      (unnormalized)
//   from_kept_modes: ḡ = (1/N) c ⊙ T ȳ,  c = 2 on mirrored columns
//   mix_modes:       x̄̂ = ḡ Wᴴ,  W̄ = x̂ᴴ ḡ  (per mode)
//
// First derivatives only: a backward pass under create_graph is an
// InputError. The complex tensors between the steps are stored mode-major (as a
// [M..., B, C] array, viewed as [B, C, M...]), the layout mode_gemm reads.
#pragma once

#include <torch/types.h>

#include <vector>

namespace ff::operators {

// Whether kept_modes takes x (float32 on the CPU), and whether mix_modes
// takes x̂ (complex64 on the CPU).
bool fftw_spectral_supports(const torch::Tensor& x);
bool mix_modes_supports(const torch::Tensor& x_hat);

torch::Tensor kept_modes(const torch::Tensor& x, const std::vector<int>& modes);
// weight: real [in, out, M..., 2] (real and imaginary parts).
torch::Tensor mix_modes(const torch::Tensor& x_hat, const torch::Tensor& weight);
torch::Tensor from_kept_modes(const torch::Tensor& y_hat, const std::vector<int64_t>& grid,
                              const std::vector<int>& modes);

}  // namespace ff::operators
