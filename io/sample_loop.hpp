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

// The `samples` map of a dataset stage: `train` samples (indices 0 ..
// train-1) and `test` samples after them, with their defaults and the caps
// `--smoke` applies.
struct SampleSplit {
  long train = 0;
  long test = 0;
};
OptionsSchema<SampleSplit> sample_split_options(long train, long test, long smoke_train, long smoke_test);

}  // namespace ff
