// Data-parallel training over MPI ranks. Every rank holds the whole model and
// takes its block of each batch (DataLoaderOptions::shard); each rank's loss
// is weighted by its share of the batch, so the gradients summed over the
// ranks are those of the whole batch, and every rank then takes the same
// optimizer step. Without MPI, or on one rank, these are no-ops.
#pragma once

#include <torch/types.h>

#include <vector>

namespace ff::operators {

// Sums the gradients of `parameters` over all ranks, in place, in one
// message per floating-point width, and returns the sum of `value` (this
// rank's share of the loss, carried in the float32 message so that a step
// needs one collective). An undefined gradient (a rank whose block of the
// batch was empty) counts as zeros and is defined afterwards.
double sum_gradients_over_ranks(const std::vector<torch::Tensor>& parameters, double value);

// RunError unless every rank holds bit-identical values of `parameters`
// (compared by a hash of their bytes): the invariant data-parallel training
// rests on, checked where a checkpoint is written.
void require_same_weights_on_all_ranks(const std::vector<torch::Tensor>& parameters);

}  // namespace ff::operators
