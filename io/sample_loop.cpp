#include "io/sample_loop.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/progress.hpp"

#include <fmt/format.h>

namespace ff {

void for_each_local_sample(DatasetWriter& writer, const RunContext& context,
                           const std::function<void(long sample)>& make_sample) {
  const SampleRange mine = writer.local_samples();
  std::string failure;
  {
    Progress progress(fmt::format("{} samples (rank 0 of {})", context.stage_name, mpi_size()), mine.size(),
                      mpi_rank() == 0);
    for (long i = mine.begin; i < mine.end && failure.empty(); ++i) {
      try {
        make_sample(i);
      } catch (const Error& e) {
        failure = fmt::format("{}: sample {}: {}", context.stage_name, i, e.what());
      }
      progress.advance();
    }
  }
  if (!all_ranks_ok(failure.empty()))
    throw RunError(failure.empty() ? context.stage_name + ": a sample failed on another rank" : failure);
}

OptionsSchema<SampleSplit> sample_split_options(long train, long test, long smoke_train, long smoke_test) {
  OptionsSchema<SampleSplit> o;
  o.key("train", &SampleSplit::train, "training samples (indices 0 .. train-1)")
      .def(train)
      .at_least(1)
      .smoke(smoke_train);
  o.key("test", &SampleSplit::test, "test samples (the indices after the training ones)")
      .def(test)
      .at_least(0)
      .smoke(smoke_test);
  return o;
}

}  // namespace ff
