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
      writer, context, 1, [&](long i, int, int) { make_sample(i); }, [](long, int) {});
}

namespace {

// One batch of up to `workers` consecutive samples computed on threads.
struct Batch {
  long first = 0;
  int count = 0;
  int slot_base = 0;
  std::vector<std::string> errors;          // per sample: its ff::Error message
  std::vector<std::exception_ptr> crashes;  // per sample: any other exception
  std::vector<std::thread> threads;
};

}  // namespace

void for_each_local_sample(DatasetWriter& writer, const RunContext& context, int workers,
                           const std::function<void(long sample, int worker, int slot)>& compute,
                           const std::function<void(long sample, int slot)>& write) {
  FF_REQUIRE(workers >= 1, InputError, "{}: a sample loop needs at least one worker", context.stage_name);
  const SampleRange mine = writer.local_samples();
  std::string failure;
  auto fail = [&](long i, const std::string& what) {
    if (failure.empty()) failure = fmt::format("{}: sample {}: {}", context.stage_name, i, what);
  };
  auto compute_one = [&](Batch& b, int w) {
    try {
      compute(b.first + w, w, b.slot_base + w);
    } catch (const Error& e) {
      b.errors[w] = e.what();
    } catch (...) {
      b.crashes[w] = std::current_exception();
    }
  };
  // Writes a finished batch in order, stopping at its first failed sample.
  auto write_batch = [&](Batch& b, Progress& progress) {
    for (int w = 0; w < b.count && failure.empty(); ++w) {
      if (b.crashes[w]) std::rethrow_exception(b.crashes[w]);
      if (!b.errors[w].empty()) {
        fail(b.first + w, b.errors[w]);
        break;
      }
      try {
        write(b.first + w, b.slot_base + w);
      } catch (const Error& e) {
        fail(b.first + w, e.what());
      }
    }
    progress.advance(b.count);
  };
  {
    Progress progress(fmt::format("{} samples (rank 0 of {})", context.stage_name, mpi_size()), mine.size(),
                      mpi_rank() == 0);
    Batch previous;
    for (long first = mine.begin, index = 0; first < mine.end && failure.empty(); first += workers, ++index) {
      Batch current;
      current.first = first;
      current.count = static_cast<int>(std::min<long>(workers, mine.end - first));
      current.slot_base = workers == 1 ? 0 : static_cast<int>(index % 2) * workers;
      current.errors.assign(current.count, {});
      current.crashes.assign(current.count, nullptr);
      if (workers == 1) {
        compute_one(current, 0);
        write_batch(current, progress);
        continue;
      }
      try {
        for (int w = 0; w < current.count; ++w) current.threads.emplace_back(compute_one, std::ref(current), w);
      } catch (...) {  // no thread may outlive the batch it writes into
        for (auto& t : current.threads) t.join();
        throw;
      }
      // The previous batch goes to disk while this one is computed; the
      // threads are joined whatever the writes do.
      std::exception_ptr write_crash;
      try {
        if (previous.count > 0) write_batch(previous, progress);
      } catch (...) {
        write_crash = std::current_exception();
      }
      for (auto& t : current.threads) t.join();
      current.threads.clear();
      if (write_crash) std::rethrow_exception(write_crash);
      previous = std::move(current);
    }
    if (failure.empty() && previous.count > 0) write_batch(previous, progress);
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
