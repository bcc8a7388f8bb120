// Losses and error measures of the neural operators, per sample then
// averaged over the batch (DESIGN.md: relative L2 is ‖u − v‖ / ‖v‖ per
// sample). Tensors are [batch, channels, grid...].
#pragma once

#include <torch/types.h>

namespace ff::operators {

// ‖u − v‖_p / ‖v‖_p per sample (over channels and grid points), averaged.
torch::Tensor relative_lp(const torch::Tensor& prediction, const torch::Tensor& target, double p = 2.0);

// ‖u − v‖_H1 / ‖v‖_H1 per sample with ‖w‖²_H1 = Σ_k (1 + 4π²|k|²) |ŵ_k|², the
// L2 norm plus the gradient's, by spectral derivatives on the periodic unit
// cell (Parseval), averaged over the batch.
torch::Tensor relative_h1(const torch::Tensor& prediction, const torch::Tensor& target);

// The same measures per sample: [batch].
torch::Tensor relative_lp_per_sample(const torch::Tensor& prediction, const torch::Tensor& target, double p = 2.0);
torch::Tensor relative_h1_per_sample(const torch::Tensor& prediction, const torch::Tensor& target);

}  // namespace ff::operators
