// FactFormer and its implicit variant: transformers of factorized (axial)
// kernel attention on 1D to 3D grids (layers/factorized_attention.hpp).
//
//   u_0 = L(x ⊕ coords)                       lifting, pointwise; coords the optional
//                                             cos/sin(2π x_a) of each periodic axis
//   explicit (FactFormer, Li et al. 2023):   u_{b+1} = u_b + A_b(LN_b(u_b)),  b < depth,
//                                             A_b sequential factorized attention
//   implicit (IFactFormer):                  u_{k+1} = u_k + A(LN(u_k)),  k < iterations,
//                                             one block, its weights shared by every
//                                             iteration, A with parallel axial kernels
//   y   = P(u)                                LN, then a GELU MLP to the output channels
//
// The authors' 2D code adds random Fourier features of the position before
// every block and decodes several future steps through a latent propagator;
// here positions enter only through the optional coordinate channels and the
// model predicts one step, which `evaluate` rolls out. Without coordinates
// every part commutes with circular shifts of the grid.
#pragma once

#include "operators/layers/factorized_attention.hpp"

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include <cstdint>
#include <vector>

namespace ff::operators {

struct FactFormerOptions {
  int in_channels = 1;
  int out_channels = 1;
  int dimension = 2;         // grid axes, from the data
  bool implicit = false;     // IFactFormer: one shared block with parallel axial kernels
  int depth = 4;             // explicit: blocks
  int iterations = 4;        // implicit: iterations of the shared block
  int dim = 128;             // channels of the blocks
  int heads = 8;             // attention heads
  int dim_head = 64;         // value channels per head
  int kernel_ratio = 2;      // query/key width per head over dim_head
  bool coordinates = false;  // cos/sin(2π x_a) per axis as 2·dimension more input channels
};

// u + A(LN(u)) on channels-last fields.
class FactorizedBlockImpl : public torch::nn::Module {
 public:
  FactorizedBlockImpl(const FactorizedAttentionOptions& options);
  torch::Tensor forward(const torch::Tensor& u);
  FactorizedAttention attention() const { return attention_; }

 private:
  torch::nn::LayerNorm norm_{nullptr};
  FactorizedAttention attention_{nullptr};
};
TORCH_MODULE(FactorizedBlock);

class FactFormerImpl : public torch::nn::Module {
 public:
  explicit FactFormerImpl(const FactFormerOptions& options);

  // [batch, in_channels, grid…] -> [batch, out_channels, grid…]
  torch::Tensor forward(const torch::Tensor& x);

  // The three stages of forward: lift to channels last, the blocks (or the
  // iterations of the shared one), and the head back to channels first.
  torch::Tensor lift(const torch::Tensor& x);
  torch::Tensor encode(torch::Tensor u);
  torch::Tensor head(const torch::Tensor& u);
  const std::vector<FactorizedBlock>& blocks() const { return blocks_; }

  const FactFormerOptions& options() const { return options_; }
  int64_t parameter_count() const;

 private:
  torch::Tensor with_coordinates(const torch::Tensor& x) const;

  FactFormerOptions options_;
  torch::nn::Linear lift_{nullptr}, head_hidden_{nullptr}, head_out_{nullptr};
  torch::nn::LayerNorm head_norm_{nullptr};
  std::vector<FactorizedBlock> blocks_;
};
TORCH_MODULE(FactFormer);

}  // namespace ff::operators
