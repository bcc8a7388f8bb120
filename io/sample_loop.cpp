#include "io/sample_loop.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <thread>
#include <vector>

namespace ff {

void for_each_local_sample(DatasetWriter& writer, const RunContext& context,
                           const std::function<void(long sample)>& make_sample) {
  for_each_local_sample(
      writer, context, 1, [&](long i, int) { make_sample(i); }, [](long, int) {});
}

void for_each_local_sample(DatasetWriter& writer, const RunContext& context, int workers,
                           const std::function<void(long sample, int worker)>& compute,
                           const std::function<void(long sample, int worker)>& write) {
  FF_REQUIRE(workers >= 1, InputError, "{}: a sample loop needs at least one worker", context.stage_name);
  const SampleRange mine = writer.local_samples();
  std::string failure;
  {
    Progress progress(fmt::format("{} samples (rank 0 of {})", context.stage_name, mpi_size()), mine.size(),
                      mpi_rank() == 0);
    for (long first = mine.begin; first < mine.end && failure.empty(); first += workers) {
      const int count = static_cast<int>(std::min<long>(workers, mine.end - first));
      // One slot per worker: its ff::Error message, or another exception to rethrow here.
      std::vector<std::string> errors(count);
      std::vector<std::exception_ptr> crashes(count);
      auto run = [&](int w) {
        try {
          compute(first + w, w);
        } catch (const Error& e) {
          errors[w] = e.what();
        } catch (...) {
          crashes[w] = std::current_exception();
        }
      };
      if (count == 1) {
        run(0);
      } else {
        std::vector<std::thread> threads;
        for (int w = 1; w < count; ++w) threads.emplace_back(run, w);
        run(0);
        for (auto& t : threads) t.join();
      }
      for (int w = 0; w < count && failure.empty(); ++w) {
        if (crashes[w]) std::rethrow_exception(crashes[w]);
        if (!errors[w].empty()) {
          failure = fmt::format("{}: sample {}: {}", context.stage_name, first + w, errors[w]);
          break;
        }
        try {
          write(first + w, w);
        } catch (const Error& e) {
          failure = fmt::format("{}: sample {}: {}", context.stage_name, first + w, e.what());
        }
      }
      progress.advance(count);
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
