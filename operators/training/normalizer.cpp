#include "operators/training/normalizer.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "operators/layers/shape.hpp"

#include <torch/torch.h>

namespace ff::operators {

GaussianNormalizer::GaussianNormalizer(torch::Tensor mean, torch::Tensor std)
    : mean_(std::move(mean)), std_(std::move(std)) {
  FF_REQUIRE(mean_.sizes() == std_.sizes(), InputError, "normalizer mean {} and std {} differ in shape",
             shape_of(mean_), shape_of(std_));
}

namespace {

// Running sums over samples in double; the order of batches does not matter.
struct Moments {
  torch::Tensor sum, sum_of_squares;
  long count = 0;

  void add(const torch::Tensor& batch) {
    const torch::Tensor x = batch.to(torch::kFloat64);
    sum = sum.defined() ? sum + x.sum(0) : x.sum(0);
    sum_of_squares = sum_of_squares.defined() ? sum_of_squares + x.pow(2).sum(0) : x.pow(2).sum(0);
    count += x.size(0);
  }
  // Sharded loaders: the moments of every rank's samples together.
  void sum_over_ranks() {
    for (torch::Tensor* t : {&sum, &sum_of_squares}) {
      *t = t->contiguous();
      ff::sum_over_ranks(t->data_ptr<double>(), t->numel());
    }
    double n = static_cast<double>(count);
    ff::sum_over_ranks(&n, 1);
    count = static_cast<long>(n);
  }
  GaussianNormalizer normalizer() const {
    const torch::Tensor mean = sum / count;
    const torch::Tensor variance = (sum_of_squares / count - mean.pow(2)).clamp_min(0);
    return GaussianNormalizer(mean.to(torch::kFloat32), variance.sqrt().to(torch::kFloat32));
  }
};

}  // namespace

std::pair<GaussianNormalizer, GaussianNormalizer> GaussianNormalizer::fit(const DataLoader& loader) {
  Moments inputs, targets;
  for (long b = 0; b < loader.batches_per_epoch(); ++b) {
    const Batch batch = loader.batch(0, b);
    inputs.add(batch.input);
    targets.add(batch.target);
  }
  if (loader.shards() > 1) {
    inputs.sum_over_ranks();
    targets.sum_over_ranks();
  }
  return {inputs.normalizer(), targets.normalizer()};
}

void GaussianNormalizer::check(const torch::Tensor& x) const {
  FF_REQUIRE(mean_.defined(), RunError, "normalizer used before it was fitted");
  FF_REQUIRE(x.dim() == mean_.dim() + 1 && x.sizes().slice(1) == mean_.sizes(), InputError,
             "normalizer fitted on samples of shape {} got a batch {}", shape_of(mean_), shape_of(x));
}

torch::Tensor GaussianNormalizer::encode(const torch::Tensor& x) const {
  check(x);
  return (x - mean_) / (std_ + epsilon);
}

torch::Tensor GaussianNormalizer::decode(const torch::Tensor& x) const {
  check(x);
  return x * (std_ + epsilon) + mean_;
}

namespace {

// [channels, n...] on a grid of the unit domain -> [channels, m...].
torch::Tensor interpolate(const torch::Tensor& field, const std::vector<int64_t>& grid, bool periodic) {
  namespace F = torch::nn::functional;
  const auto dim = static_cast<int64_t>(grid.size());
  torch::Tensor x = field.unsqueeze(0);
  std::vector<int64_t> size = grid;
  if (periodic)  // close each axis with a copy of its first point: x = 1
    for (int64_t a = 0; a < dim; ++a) {
      x = torch::cat({x, x.narrow(2 + a, 0, 1)}, 2 + a);
      ++size[a];
    }
  const torch::nn::functional::InterpolateFuncOptions::mode_t modes[] = {torch::kLinear, torch::kBilinear,
                                                                         torch::kTrilinear};
  x = F::interpolate(x, F::InterpolateFuncOptions().size(size).mode(modes[dim - 1]).align_corners(true));
  if (periodic)
    for (int64_t a = 0; a < dim; ++a) x = x.narrow(2 + a, 0, grid[a]);
  return x.squeeze(0).contiguous();
}

}  // namespace

GaussianNormalizer GaussianNormalizer::resampled(const std::vector<int64_t>& grid, bool periodic) const {
  FF_REQUIRE(mean_.defined(), RunError, "normalizer used before it was fitted");
  FF_REQUIRE(!grid.empty() && grid.size() <= 3 && static_cast<int64_t>(grid.size()) == mean_.dim() - 1, InputError,
             "a normalizer of samples {} cannot be resampled to a {}D grid", shape_of(mean_), grid.size());
  return GaussianNormalizer(interpolate(mean_, grid, periodic), interpolate(std_, grid, periodic));
}

void GaussianNormalizer::save(torch::serialize::OutputArchive& archive, const std::string& prefix) const {
  archive.write(prefix + "_mean", mean_);
  archive.write(prefix + "_std", std_);
}

GaussianNormalizer GaussianNormalizer::load(torch::serialize::InputArchive& archive, const std::string& prefix) {
  torch::Tensor mean, std;
  archive.read(prefix + "_mean", mean);
  archive.read(prefix + "_std", std);
  return GaussianNormalizer(mean, std);
}

void GaussianNormalizer::to(const torch::Tensor& like) {
  mean_ = mean_.to(like.device(), like.scalar_type());
  std_ = std_.to(like.device(), like.scalar_type());
}

}  // namespace ff::operators
