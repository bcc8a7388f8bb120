#include "operators/data/data_loader.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/rng.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <numeric>
#include <tuple>

namespace ff::operators {
namespace {

std::string shape_text(const std::vector<std::uint64_t>& shape) {
  std::string text = "[";
  for (std::size_t a = 0; a < shape.size(); ++a) text += (a ? ", " : "") + std::to_string(shape[a]);
  return text + "]";
}

}  // namespace

DataLoader::DataLoader(const DatasetReader& reader, DataLoaderOptions options)
    : reader_(reader), options_(std::move(options)) {
  const std::string file = reader.path().string();
  FF_REQUIRE(!options_.inputs.empty() && !options_.targets.empty(), InputError,
             "{}: a loader needs input and target fields", file);
  FF_REQUIRE(options_.batch_size >= 1, InputError, "batch size must be >= 1, got {}", options_.batch_size);
  FF_REQUIRE(options_.subsample >= 1, InputError, "subsample must be >= 1, got {}", options_.subsample);
  FF_REQUIRE(options_.shards >= 1 && 0 <= options_.shard && options_.shard < options_.shards, InputError,
             "shard {} of {} asked for", options_.shard, options_.shards);
  split_ = reader.split(options_.split);
  FF_REQUIRE(!split_.empty(), InputError, "{}: split '{}' has no samples", file, options_.split);
  const long size = static_cast<long>(split_.size()), end = options_.end > 0 ? options_.end : size;
  FF_REQUIRE(0 <= options_.begin && options_.begin < end && end <= size, InputError,
             "{}: samples [{}, {}) of split '{}' asked for, it has {}", file, options_.begin, end, options_.split,
             size);
  split_ = std::vector<long>(split_.begin() + options_.begin, split_.begin() + end);

  // Every field is [grid...] (one channel), [channels, grid...] or, for a
  // trajectory of vector fields, [steps, channels, grid...] on one grid.
  const auto grid = reader.grid().shape;
  file_grid_shape_.assign(grid.begin(), grid.end());
  for (auto n : file_grid_shape_) grid_shape_.push_back((n + options_.subsample - 1) / options_.subsample);
  for (const auto* fields : {&options_.inputs, &options_.targets})
    for (const auto& field : *fields) {
      FF_REQUIRE(reader.has_field(field), InputError, "{}: no field '{}'", file, field);
      const auto shape = reader.sample_shape(field);
      const bool on_grid = shape.size() >= grid.size() &&
                           std::equal(grid.begin(), grid.end(), shape.end() - grid.size(),
                                      [](int n, std::uint64_t m) { return static_cast<std::uint64_t>(n) == m; });
      FF_REQUIRE(on_grid && shape.size() <= grid.size() + 2, InputError,
                 "{}: field '{}' has samples of shape {}, not [grid], [channels, grid] or [steps, channels, grid] on "
                 "the {}D grid",
                 file, field, shape_text(shape), grid.size());
    }
  if (options_.window > 0) load_trajectories();
}

void DataLoader::load_trajectories() {
  const std::string file = reader_.path().string();
  const std::string& field = options_.targets.front();
  FF_REQUIRE(options_.inputs.size() == 1 && options_.targets.size() == 1 && options_.inputs.front() == field,
             InputError, "{}: autoregressive windows need the input and the target to be one trajectory field", file);
  const auto shape = reader_.sample_shape(field);
  const auto steps = shape.size() > grid_shape_.size() ? static_cast<long>(shape.front()) : 1L;
  step_channels_ = shape.size() > grid_shape_.size() + 1 ? static_cast<long>(shape[1]) : 1L;
  FF_REQUIRE(steps > options_.window, InputError,
             "window = {}: field '{}' of {} has {} time steps per sample, too few for windows of {} steps and a "
             "target (window at most {})",
             options_.window, field, file, steps, options_.window, steps - 1);
  windows_per_sample_ = steps - options_.window;
  std::vector<double> values = reader_.read_indices(field, split_);
  std::vector<int64_t> full{static_cast<int64_t>(split_.size()), steps, step_channels_};
  full.insert(full.end(), file_grid_shape_.begin(), file_grid_shape_.end());
  trajectories_ = subsampled(torch::from_blob(values.data(), full, torch::kFloat64)).to(torch::kFloat32);
}

long DataLoader::batches_per_epoch() const { return (examples() + options_.batch_size - 1) / options_.batch_size; }

std::vector<long> DataLoader::order(long epoch) const {
  std::vector<long> order(static_cast<std::size_t>(examples()));
  std::iota(order.begin(), order.end(), 0L);
  if (!options_.shuffle) return order;
  // Fisher–Yates driven by the stream of (seed, epoch).
  SampleRng rng(options_.seed, 0x5eed, static_cast<std::uint64_t>(epoch));
  for (std::size_t i = order.size(); i > 1; --i) {
    const auto j = static_cast<std::size_t>(rng.uniform() * i);
    std::swap(order[i - 1], order[std::min(j, i - 1)]);
  }
  return order;
}

torch::Tensor DataLoader::subsampled(const torch::Tensor& x) const {
  torch::Tensor y = x;
  const auto first_axis = x.dim() - static_cast<int64_t>(grid_shape_.size());
  for (std::size_t a = 0; a < grid_shape_.size() && options_.subsample > 1; ++a)
    y = y.slice(first_axis + static_cast<int64_t>(a), 0, torch::indexing::None, options_.subsample);
  return y.contiguous();
}

long DataLoader::channels(const std::vector<std::string>& fields) const {
  const auto points =
      std::accumulate(file_grid_shape_.begin(), file_grid_shape_.end(), std::int64_t{1}, std::multiplies<>());
  long total = 0;
  for (const auto& field : fields)
    total += static_cast<long>(static_cast<std::int64_t>(reader_.sample_size(field)) / points);
  return total;
}

torch::Tensor DataLoader::stack(const std::vector<std::string>& fields, const std::vector<long>& samples) const {
  const auto count = static_cast<int64_t>(samples.size());
  std::vector<torch::Tensor> stacked;
  for (const auto& field : fields) {
    std::vector<double> values = reader_.read_indices(field, samples);
    std::vector<int64_t> shape{count, channels({field})};
    shape.insert(shape.end(), file_grid_shape_.begin(), file_grid_shape_.end());
    stacked.push_back(subsampled(torch::from_blob(values.data(), shape, torch::kFloat64)).to(torch::kFloat32));
  }
  return torch::cat(stacked, 1);
}

std::pair<torch::Tensor, torch::Tensor> DataLoader::windows(const std::vector<long>& examples) const {
  std::vector<torch::Tensor> inputs, targets;
  for (long e : examples) {
    const torch::Tensor trajectory = trajectories_[e / windows_per_sample_];
    const long start = e % windows_per_sample_;
    // [steps, channels, grid...] -> steps × channels input channels, step-major.
    inputs.push_back(trajectory.narrow(0, start, options_.window).flatten(0, 1));
    targets.push_back(trajectory[start + options_.window]);
  }
  return {torch::stack(inputs), torch::stack(targets)};
}

Batch DataLoader::batch(long epoch, long b) const {
  FF_REQUIRE(b >= 0 && b < batches_per_epoch(), InputError, "batch {} of an epoch of {}", b, batches_per_epoch());
  if (epoch != cached_epoch_) {
    cached_order_ = order(epoch);
    cached_epoch_ = epoch;
  }
  const std::vector<long>& all = cached_order_;
  const long first = b * options_.batch_size, last = std::min<long>(first + options_.batch_size, examples());
  const SampleRange mine = block_range(last - first, options_.shard, options_.shards);
  const std::vector<long> examples(all.begin() + first + mine.begin, all.begin() + first + mine.end);
  Batch batch;
  batch.batch_examples = last - first;
  for (long e : examples) batch.samples.push_back(split_[e / windows_per_sample_]);
  if (examples.empty()) {
    std::vector<int64_t> shape{0, input_channels()};
    shape.insert(shape.end(), grid_shape_.begin(), grid_shape_.end());
    batch.input = torch::empty(shape);
    shape[1] = target_channels();
    batch.target = torch::empty(shape);
  } else if (options_.window > 0) {
    std::tie(batch.input, batch.target) = windows(examples);
  } else {
    batch.input = stack(options_.inputs, batch.samples);
    batch.target = stack(options_.targets, batch.samples);
  }
  return batch;
}

}  // namespace ff::operators
