// Training batches from a fieldforge dataset file as LibTorch tensors.
// Each epoch visits the samples of one split once, in an order shuffled from
// (seed, epoch) alone, so a resumed run sees exactly the batches it would
// have seen, and every batch is read from disk when it is asked for (the
// file is chunked per sample), so datasets larger than memory train.
#pragma once

#include "io/dataset_reader.hpp"

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ff::operators {

struct Batch {
  torch::Tensor input;   // [batch, input channels, grid...], float32
  torch::Tensor target;  // [batch, target channels, grid...], float32
  std::vector<long> samples;
};

struct DataLoaderOptions {
  std::vector<std::string> inputs;   // fields stacked as input channels, e.g. {"inputs/a"}
  std::vector<std::string> targets;  // fields stacked as target channels, e.g. {"outputs/u"}
  std::string split = "train";       // train | test
  long batch_size = 20;
  bool shuffle = true;
  std::uint64_t seed = 0;
};

class DataLoader {
 public:
  DataLoader(const DatasetReader& reader, DataLoaderOptions options);

  // Sample order of `epoch` (a permutation of the split when shuffling).
  std::vector<long> order(long epoch) const;
  // Batch `b` of `epoch`: batch_size samples (fewer in the last batch).
  Batch batch(long epoch, long b) const;
  long batches_per_epoch() const;
  long samples() const { return static_cast<long>(split_.size()); }
  // Spatial shape the fields share ([n_1, ..., n_d]).
  const std::vector<std::int64_t>& grid_shape() const { return grid_shape_; }

 private:
  // Fields read for the listed samples, stacked along channels.
  torch::Tensor stack(const std::vector<std::string>& fields, const std::vector<long>& samples) const;

  const DatasetReader& reader_;
  DataLoaderOptions options_;
  mutable long cached_epoch_ = -1;  // the order of one epoch, kept for its batches
  mutable std::vector<long> cached_order_;
  std::vector<long> split_;
  std::vector<std::int64_t> grid_shape_;
};

}  // namespace ff::operators
