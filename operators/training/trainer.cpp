#include "operators/training/trainer.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/rng.hpp"
#include "operators/training/checkpoint.hpp"
#include "operators/training/data_parallel.hpp"
#include "operators/training/losses.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <tuple>

namespace ff::operators {
namespace {

std::string sample_list(const std::vector<long>& samples) {
  std::string text;
  for (long s : samples) text += (text.empty() ? "" : ", ") + std::to_string(s);
  return text;
}

// The first line where two (multi-line) entries differ, e.g. "context=zero".
std::pair<std::string, std::string> first_difference(const std::string& a, const std::string& b) {
  std::istringstream in_a(a), in_b(b);
  std::string line_a, line_b;
  while (in_a || in_b) {
    line_a.clear();
    line_b.clear();
    std::getline(in_a, line_a);
    std::getline(in_b, line_b);
    if (line_a != line_b) return {line_a, line_b};
  }
  return {a, b};
}

}  // namespace

Trainer::Trainer(torch::nn::AnyModule model, const DataLoader& train, const DataLoader* validation,
                 TrainerOptions options)
    : model_(std::move(model)), train_(train), validation_(validation), options_(std::move(options)) {
  FF_REQUIRE(options_.learning_rate > 0 && options_.weight_decay >= 0 && options_.clip_norm >= 0, InputError,
             "training needs learning rate > 0, weight decay >= 0 and clip norm >= 0");
  FF_REQUIRE(options_.loss == "l2" || options_.loss == "h1", InputError, "loss must be l2 or h1, got '{}'",
             options_.loss);
  FF_REQUIRE(options_.scheduler == "step" || options_.scheduler == "cosine" || options_.scheduler == "constant",
             InputError, "scheduler must be step, cosine or constant, got '{}'", options_.scheduler);
  FF_REQUIRE(options_.step_every >= 1, InputError, "step_every must be >= 1, got {}", options_.step_every);
  FF_REQUIRE(options_.precision != Precision::fp16 || torch::Device(options_.device).is_cuda(), InputError,
             "precision fp16 needs a cuda device (autocast on the CPU is bf16 only), got device '{}'", options_.device);
  if (options_.precision == Precision::fp16) loss_scaler_ = std::make_unique<DynamicLossScaler>();
  model_.ptr()->to(torch::Device(options_.device));
  std::tie(input_normalizer_, target_normalizer_) = GaussianNormalizer::fit(train);
  place_normalizers();
  const auto parameters = model_.ptr()->parameters();
  if (options_.optimizer == "adam")
    optimizer_ = std::make_unique<torch::optim::Adam>(
        parameters, torch::optim::AdamOptions(options_.learning_rate).weight_decay(options_.weight_decay));
  else if (options_.optimizer == "adamw")
    optimizer_ = std::make_unique<torch::optim::AdamW>(
        parameters, torch::optim::AdamWOptions(options_.learning_rate).weight_decay(options_.weight_decay));
  else
    throw InputError(fmt::format("optimizer must be adam or adamw, got '{}'", options_.optimizer));
}

Trainer::~Trainer() = default;

void Trainer::place_normalizers() {
  const auto like = torch::empty({0}, torch::TensorOptions().device(torch::Device(options_.device)));
  input_normalizer_.to(like);
  target_normalizer_.to(like);
}

double Trainer::learning_rate_at(long epoch) const {
  if (options_.scheduler == "step")
    return options_.learning_rate * std::pow(options_.gamma, epoch / options_.step_every);
  if (options_.scheduler == "cosine")
    return 0.5 * options_.learning_rate * (1 + std::cos(M_PI * epoch / std::max<long>(1, options_.epochs)));
  return options_.learning_rate;
}

torch::Tensor Trainer::with_noise(const torch::Tensor& input, const Batch& batch, long b) const {
  if (options_.input_noise <= 0) return input;
  // Drawn for the whole batch from (seed, epoch, batch) and cut to this
  // shard's rows, so data-parallel runs add what one rank would.
  auto generator = at::detail::createCPUGenerator(
      splitmix64(options_.noise_seed ^ splitmix64(static_cast<std::uint64_t>(epoch_) * 0x9e3779b97f4a7c15ULL + b)));
  std::vector<int64_t> shape = input.sizes().vec();
  shape[0] = batch.batch_examples;
  const SampleRange rows = block_range(batch.batch_examples, train_.shard(), train_.shards());
  const torch::Tensor noise = torch::randn(shape, generator, torch::TensorOptions().dtype(input.scalar_type()))
                                  .narrow(0, rows.begin, rows.size());
  return input + noise.to(input.device()) * options_.input_noise;
}

torch::Tensor Trainer::loss(const torch::Tensor& prediction, const torch::Tensor& target) const {
  return options_.loss == "h1" ? relative_h1(prediction, target) : relative_lp(prediction, target);
}

std::vector<EpochRecord> Trainer::train(long until, const std::function<void(const EpochRecord&)>& after_epoch) {
  std::vector<EpochRecord> history;
  auto module = model_.ptr();
  const bool sharded = train_.shards() > 1;  // data-parallel over MPI ranks
  for (; epoch_ < until; ++epoch_) {
    EpochRecord record;
    record.epoch = epoch_;
    record.learning_rate = learning_rate_at(epoch_);
    for (auto& group : optimizer_->param_groups()) group.options().set_lr(record.learning_rate);
    module->train();
    double total = 0;
    const long batches = train_.batches_per_epoch();
    for (long b = 0; b < batches; ++b) {
      const Batch batch = train_.batch(epoch_, b);
      const torch::Device device(options_.device);
      optimizer_->zero_grad();
      // Data-parallel: this rank's mean loss weighted by its share of the
      // batch, so that the gradients summed over the ranks are the batch's.
      const double share = static_cast<double>(batch.samples.size()) / static_cast<double>(batch.batch_examples);
      torch::Tensor value;
      if (!batch.samples.empty()) {
        torch::Tensor output;
        {
          AutocastScope autocast(options_.precision, device);
          output = model_.forward(with_noise(input_normalizer_.encode(batch.input.to(device)), batch, b));
        }
        // Decoding with the float32 statistics promotes a 16-bit output: the
        // loss is always taken in float32.
        const auto prediction = target_normalizer_.decode(output);
        value = loss(prediction, batch.target.to(device));
        if (sharded) value = value * share;
      }
      double scalar = value.defined() ? value.item<double>() : 0.0;
      // Checked before any weight changes; data-parallel, on the loss summed
      // over the ranks (it travels with the gradients), so a NaN on one rank
      // stops every rank at the same batch.
      auto require_finite = [&] {
        FF_REQUIRE(std::isfinite(scalar), RunError,
                   "training loss is not finite at epoch {}, batch {} (samples {}): lower the learning rate or check "
                   "the data",
                   epoch_, b, sample_list(batch.samples));
      };
      if (!sharded) require_finite();
      if (value.defined()) (loss_scaler_ ? loss_scaler_->scale(value) : value).backward();
      if (sharded) {
        scalar = sum_gradients_over_ranks(module->parameters(), scalar);
        require_finite();
      }
      total += scalar;
      if (loss_scaler_ && !loss_scaler_->unscale_and_update(module->parameters())) {
        ++record.skipped_steps;  // overflow: no step, the scale is halved
        continue;
      }
      if (options_.clip_norm > 0) torch::nn::utils::clip_grad_norm_(module->parameters(), options_.clip_norm);
      optimizer_->step();
    }
    record.train_loss = total / batches;
    record.validation_error = validation_ ? evaluate(*validation_) : std::numeric_limits<double>::quiet_NaN();
    history.push_back(record);
    if (after_epoch) {
      ++epoch_;  // a checkpoint written now resumes at the next epoch
      after_epoch(record);
      --epoch_;
    }
  }
  return history;
}

double Trainer::evaluate(const DataLoader& loader) {
  torch::NoGradGuard no_grad;
  auto module = model_.ptr();
  module->eval();
  double weighted = 0;
  for (long b = 0; b < loader.batches_per_epoch(); ++b) {
    const Batch batch = loader.batch(0, b);
    if (batch.samples.empty()) continue;  // a shard's empty block of a short batch
    const torch::Device device(options_.device);
    const auto prediction = target_normalizer_.decode(model_.forward(input_normalizer_.encode(batch.input.to(device))));
    weighted +=
        relative_lp(prediction, batch.target.to(device)).item<double>() * static_cast<double>(batch.samples.size());
  }
  if (loader.shards() > 1) sum_over_ranks(&weighted, 1);
  return weighted / static_cast<double>(loader.examples());
}

void Trainer::save_checkpoint(const std::filesystem::path& path) const {
  if (train_.shards() > 1) {
    // Collective: every rank checks its weights, rank 0 writes.
    require_same_weights_on_all_ranks(model_.ptr()->parameters());
    if (mpi_rank() != 0) return;
  }
  CheckpointWriter writer(header_);
  writer.model(*model_.ptr()).optimizer(*optimizer_).normalizers(input_normalizer_, target_normalizer_).epoch(epoch_);
  if (loss_scaler_) loss_scaler_->save(writer.archive());
  writer.save(path);
}

void Trainer::load_checkpoint(const std::filesystem::path& path) {
  CheckpointReader reader(path, options_.device);
  // A resumed run must build the same model, see the same data and draw
  // the same batches as the run it continues.
  const auto stored = reader.header().identity();
  for (const auto& [key, expected] : header_.identity()) {
    const std::string& then = stored.at(key);
    if (then == expected) continue;
    const auto [was, is] = first_difference(then, expected);
    throw InputError(fmt::format("{}: written with {} '{}', but this run has '{}'", path.string(), key, was, is));
  }
  reader.load_model(*model_.ptr());
  reader.load_optimizer(*optimizer_);
  epoch_ = reader.epoch();
  if (loss_scaler_) loss_scaler_->load(reader.archive());
  input_normalizer_ = reader.input_normalizer();
  target_normalizer_ = reader.target_normalizer();
  place_normalizers();
  reader.restore_rng();
}

}  // namespace ff::operators
