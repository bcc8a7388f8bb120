// Factorized (axial) kernel attention, after Li, Shu and Barati Farimani,
// "Scalable transformer for PDE surrogate modeling" (FactFormer, NeurIPS 2023).
//
// For a field u on an n_1 × … × n_d grid with `dim` channels, channels last:
//
//   p_a    = MLP_a( L_a mean_{axes ≠ a} u )           [batch, n_a, dim]: u projected on axis a
//   q_a, k = R( Q_a p_a ), R( K_a p_a )               per head, [batch, heads, n_a, kernel_dim]
//   K_a(i, j) = q_a(i) · k_a(j) / n_a                 a low-rank kernel on axis a, no softmax
//   v      = V u                                      [batch, heads, n_1, …, n_d, dim_head]
//
// sequential (FactFormer):  z = K_1 ×_1 K_2 ×_2 … K_d ×_d v, which is the
//   kernel integral of v with the product kernel K_1(i_1, j_1) ⋯ K_d(i_d, j_d)
//   over the whole grid, at Σ_a n_a operations per point instead of N;
// parallel (IFactFormer):  z = [K_1 ×_1 v, …, K_d ×_d v], along channels.
//
//   out = W_2 GELU(W_1 GroupNorm(z)),  GroupNorm per head over the grid, no affine.
//
// R is a rotary encoding of the grid index with integer wavenumbers 0, 1, …
// (0 keeps a plain dot product, so the kernel can pass an axis's mean), and
// K_a(i, j) depends on (i − j) mod n_a only through it: a circular shift
// of the grid shifts the output (exact translation equivariance on periodic
// axes). The authors' code uses the frequencies 64·10000^(−2k/kernel_dim) on
// [0, 2π] and weights K_a by 1; the 1/n_a here is the axis's quadrature
// weight, so one set of weights means the same integral at any resolution.
// Linear commutes with the mean, so L_a acts on the pooled field (cheaper,
// same value).
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <vector>

namespace ff::operators {

struct FactorizedAttentionOptions {
  int dim = 128;          // channels in and out
  int heads = 8;          // attention heads
  int dim_head = 64;      // value channels per head
  int kernel_dim = 128;   // query/key width per head (the rank of each axial kernel)
  int dimension = 2;      // grid axes
  bool parallel = false;  // IFactFormer's parallel kernels instead of FactFormer's sequence
};

// The rotary encoding R of [.., n, width] (width even): pairs (x_k, x_{k+width/2})
// turned by the angle 2π k i / n at row i.
torch::Tensor rotary_encoding(const torch::Tensor& x);

// One axis's projection p_a and its kernel K_a.
class AxialKernelImpl : public torch::nn::Module {
 public:
  AxialKernelImpl(int dim, int heads, int kernel_dim);
  // Pooled field [batch, n_a, dim] -> kernel [batch, heads, n_a, n_a].
  torch::Tensor forward(const torch::Tensor& pooled);

 private:
  int heads_;
  torch::nn::Linear reduce_{nullptr}, gate_{nullptr}, down_{nullptr}, query_{nullptr}, key_{nullptr};
  torch::nn::LayerNorm norm_{nullptr};
};
TORCH_MODULE(AxialKernel);

class FactorizedAttentionImpl : public torch::nn::Module {
 public:
  explicit FactorizedAttentionImpl(const FactorizedAttentionOptions& options);

  // [batch, n_1, …, n_d, dim] -> [batch, n_1, …, n_d, dim]
  torch::Tensor forward(const torch::Tensor& u);

  // The pieces of forward, for tests that rebuild it another way.
  std::vector<torch::Tensor> kernels(const torch::Tensor& u);  // K_a, [batch, heads, n_a, n_a]
  torch::Tensor values(const torch::Tensor& u);                // v, [batch, heads, n_1, …, n_d, dim_head]
  // z from the kernels and v, [batch, heads·(1 or d), n_1, …, n_d, dim_head].
  torch::Tensor mix(const std::vector<torch::Tensor>& kernels, const torch::Tensor& v) const;
  torch::Tensor output(const torch::Tensor& z);  // [batch, groups, grid…, dim_head] -> [batch, grid…, dim]

  const FactorizedAttentionOptions& options() const { return options_; }

 private:
  FactorizedAttentionOptions options_;
  torch::nn::Linear value_{nullptr}, out_hidden_{nullptr}, out_{nullptr};
  std::vector<AxialKernel> axial_;
};
TORCH_MODULE(FactorizedAttention);

}  // namespace ff::operators
