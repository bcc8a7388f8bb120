// Supervised training of an operator model on dataset batches: the inputs
// and targets are normalized per point with statistics of the training split,
// the loss (relative L2 or H1) is taken on the decoded prediction, and Adam
// or AdamW runs with a step or cosine learning-rate schedule and optional
// gradient clipping, in float32 or with a bf16/fp16 forward (mixed
// precision; validation stays float32). Checkpoints hold the weights, the optimizer state, the
// normalizers and the epoch; because the batch order depends only on (seed,
// epoch), resuming from one continues exactly as the uninterrupted run. With
// sharded loaders (one shard per MPI rank) training is data-parallel: see
// training/data_parallel.hpp.
#pragma once

#include "operators/data/data_loader.hpp"
#include "operators/training/checkpoint.hpp"
#include "operators/training/mixed_precision.hpp"
#include "operators/training/normalizer.hpp"

#include <torch/nn/modules/container/any.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace torch::optim {
class Optimizer;
}

namespace ff::operators {

struct TrainerOptions {
  long epochs = 500;
  std::string optimizer = "adam";  // adam | adamw
  double learning_rate = 1e-3;
  double weight_decay = 0.0;
  std::string scheduler = "step";  // step | cosine | constant
  long step_every = 100;           // step: multiply the rate by gamma every this many epochs
  double gamma = 0.5;
  double clip_norm = 0.0;   // 0: no gradient clipping
  std::string loss = "l2";  // l2 | h1
  // Standard deviation of Gaussian noise added to the normalized inputs of
  // every training batch (0: none): autoregressive models then learn to
  // correct the small errors their own rollouts feed back.
  double input_noise = 0.0;
  std::uint64_t noise_seed = 0;              // the noise of (epoch, batch) follows from it alone
  std::string device = "cpu";                // cpu | cuda | cuda:N: model, batches and normalizers live there
  Precision precision = Precision::float32;  // of the training forward; bf16 or fp16 autocast (fp16: cuda only)
};

struct EpochRecord {
  long epoch = 0;
  double learning_rate = 0;
  double train_loss = 0;        // mean over the epoch's batches
  double validation_error = 0;  // relative L2 on the validation split (NaN without one)
  long skipped_steps = 0;       // fp16: optimizer steps skipped for gradients that overflowed
};

class Trainer {
 public:
  // `validation` may be null. The normalizers are fitted on `train` here.
  Trainer(torch::nn::AnyModule model, const DataLoader& train, const DataLoader* validation, TrainerOptions options);
  ~Trainer();

  // Trains epochs [epoch(), until). A non-finite loss is a RunError naming
  // the epoch, the batch and its samples, raised before that batch updates
  // the weights; the last checkpoint written by `after_epoch` (which runs
  // after each epoch, with epoch() already the next one) is the last good state.
  std::vector<EpochRecord> train(long until, const std::function<void(const EpochRecord&)>& after_epoch = {});
  // Relative L2 of the decoded prediction over all batches of `loader`.
  double evaluate(const DataLoader& loader);

  long epoch() const { return epoch_; }
  // What every checkpoint carries besides the state (training/checkpoint.hpp):
  // the model description, data fields and provenance.
  void set_header(CheckpointHeader header) { header_ = std::move(header); }
  // Atomic: written to `path.partial`, then renamed. With a sharded
  // training loader this is collective and rank 0 writes.
  void save_checkpoint(const std::filesystem::path& path) const;
  // InputError when the file is not a checkpoint of a model of this shape
  // or was written for another model, data, seed or validation split.
  void load_checkpoint(const std::filesystem::path& path);

  const GaussianNormalizer& input_normalizer() const { return input_normalizer_; }
  const GaussianNormalizer& target_normalizer() const { return target_normalizer_; }

 private:
  void place_normalizers();  // onto the training device
  double learning_rate_at(long epoch) const;
  torch::Tensor loss(const torch::Tensor& prediction, const torch::Tensor& target) const;
  // The encoded inputs of training batch `b` with TrainerOptions::input_noise added.
  torch::Tensor with_noise(const torch::Tensor& input, const Batch& batch, long b) const;

  torch::nn::AnyModule model_;
  const DataLoader& train_;
  const DataLoader* validation_;
  TrainerOptions options_;
  GaussianNormalizer input_normalizer_, target_normalizer_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  std::unique_ptr<DynamicLossScaler> loss_scaler_;  // fp16 only
  CheckpointHeader header_;
  long epoch_ = 0;
};

}  // namespace ff::operators
