// The loop every dataset-generating stage runs: this rank's samples of a
// DatasetWriter, with progress on rank 0, and one failure anywhere stopping
// every rank before the file is committed.
#pragma once

#include "io/dataset_writer.hpp"
#include "io/options.hpp"
#include "io/stage.hpp"

#include <functional>

namespace ff {

// Calls `make_sample(i)` for each sample i of writer.local_samples(). An
// ff::Error thrown for sample i is rethrown on every rank as a RunError that
// begins "<stage>: sample i: ", so the writer's partial file is discarded and
// no finished-looking dataset appears. Does not commit.
void for_each_local_sample(DatasetWriter& writer, const RunContext& context,
                           const std::function<void(long sample)>& make_sample);

// The same loop with `workers` threads. `compute(i, worker, slot)` runs for
// up to `workers` samples at once, each on its own thread with its own
// worker index (each worker keeps its own solver), and leaves the sample in
// output slot `slot` (there are output_slots(workers) of them); then
// `write(i, slot)` runs on the calling thread in sample order, because HDF5
// writes are serial. With several workers a batch is written while the next
// one is computed, so its slots are not reused before they are written.
// Which worker computes a sample never changes its values, so any number of
// workers gives the same file.
void for_each_local_sample(DatasetWriter& writer, const RunContext& context, int workers,
                           const std::function<void(long sample, int worker, int slot)>& compute,
                           const std::function<void(long sample, int slot)>& write);
inline int output_slots(int workers) { return workers == 1 ? 1 : 2 * workers; }

// The `samples` map of a dataset stage: `train` samples (indices 0 ..
// train-1) and `test` samples after them, with their defaults and the caps
// `--smoke` applies.
struct SampleSplit {
  long train = 0;
  long test = 0;
};
OptionsSchema<SampleSplit> sample_split_options(long train, long test, long smoke_train, long smoke_test);

}  // namespace ff
