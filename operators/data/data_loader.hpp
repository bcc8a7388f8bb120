// Training batches from a fieldforge dataset file as LibTorch tensors.
// Each epoch visits the samples of one split (or of a range of it) once, in
// an order shuffled from (seed, epoch) alone, so a resumed run sees exactly
// the batches it would have seen, and every batch is read from disk when it
// is asked for (the file is chunked per sample), so datasets larger than
// memory train.
//
// For autoregressive models the loader cuts trajectories into windows: with
// `window` = w, a field of samples [T, grid...] gives T − w examples per
// sample, steps t..t+w−1 as input channels and step t+w as the target; a
// trajectory of c-component fields [T, c, grid...] gives w·c input channels
// (step-major) and c target channels. Those
// examples overlap, so the split's trajectories are read once and kept in
// memory.
//
// `subsample` = k keeps every k-th point of every axis, starting with the
// first, as the FNO experiments do: Darcy data solved on 421² nodes train at
// 85² (k = 5) and evaluate at 141² (k = 3) and 211² (k = 2).
#pragma once

#include "io/dataset_reader.hpp"

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ff::operators {

struct Batch {
  torch::Tensor input;        // [batch, input channels, grid...], float32
  torch::Tensor target;       // [batch, target channels, grid...], float32
  std::vector<long> samples;  // dataset index of each example
  // Examples of the whole batch over all shards (samples.size() unsharded).
  long batch_examples = 0;
};

struct DataLoaderOptions {
  std::vector<std::string> inputs;   // fields stacked as input channels, e.g. {"inputs/a"}
  std::vector<std::string> targets;  // fields stacked as target channels, e.g. {"outputs/u"}
  std::string split = "train";       // train | test
  // Positions [begin, end) of the split's samples (end 0: to the last), e.g.
  // to hold the last training samples back for validation.
  long begin = 0, end = 0;
  long batch_size = 20;
  bool shuffle = true;
  std::uint64_t seed = 0;
  // > 0: autoregressive windows of this many steps; inputs and targets then
  // name the same single trajectory field.
  long window = 0;
  long subsample = 1;  // keep every k-th grid point per axis
  // Data-parallel training: this loader serves block `shard` of `shards`
  // contiguous blocks of every batch and reads only those samples (window mode
  // keeps the split's trajectories in memory on every shard). Batches and
  // their order are those of the unsharded loader, so P shards of batch B see
  // what one loader of batch B sees; a short last batch may leave a shard empty.
  int shard = 0, shards = 1;
};

class DataLoader {
 public:
  DataLoader(const DatasetReader& reader, DataLoaderOptions options);

  // Example order of `epoch` (a permutation of 0..examples()−1 when
  // shuffling). Example e is split sample e / k at window start e % k, with
  // k = windows_per_sample().
  std::vector<long> order(long epoch) const;
  // Batch `b` of `epoch`: batch_size examples (fewer in the last batch), or
  // this shard's block of them.
  Batch batch(long epoch, long b) const;
  long batches_per_epoch() const;
  // Examples of an epoch over all shards.
  long examples() const { return static_cast<long>(split_.size()) * windows_per_sample_; }
  int shards() const { return options_.shards; }
  int shard() const { return options_.shard; }
  long windows_per_sample() const { return windows_per_sample_; }
  const std::vector<long>& split() const { return split_; }
  // Spatial shape of the batches ([n_1, ..., n_d], after subsampling).
  const std::vector<std::int64_t>& grid_shape() const { return grid_shape_; }
  // Channels of the batches' inputs and targets, known without reading any.
  long input_channels() const {
    return options_.window > 0 ? options_.window * step_channels_ : channels(options_.inputs);
  }
  long target_channels() const { return options_.window > 0 ? step_channels_ : channels(options_.targets); }

 private:
  // [samples, ..., grid...] as read (channels, or steps and components) ->
  // every subsample-th grid point of the trailing grid axes.
  torch::Tensor subsampled(const torch::Tensor& x) const;
  // Channels of one field per sample ([grid] is one, [c, grid] is c), summed.
  long channels(const std::vector<std::string>& fields) const;
  // Fields read for the listed samples, stacked along channels.
  torch::Tensor stack(const std::vector<std::string>& fields, const std::vector<long>& samples) const;
  void load_trajectories();
  // Window mode: [examples, window·c, grid...] inputs and [examples, c, grid...] targets.
  std::pair<torch::Tensor, torch::Tensor> windows(const std::vector<long>& examples) const;

  const DatasetReader& reader_;
  DataLoaderOptions options_;
  mutable long cached_epoch_ = -1;  // the order of one epoch, kept for its batches
  mutable std::vector<long> cached_order_;
  std::vector<long> split_;
  std::vector<std::int64_t> file_grid_shape_, grid_shape_;
  long windows_per_sample_ = 1;
  long step_channels_ = 1;      // window mode: components c of each step
  torch::Tensor trajectories_;  // window mode: [split samples, T, c, grid...]
};

}  // namespace ff::operators
