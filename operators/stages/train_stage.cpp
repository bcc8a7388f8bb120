#include "operators/stages/train_stage.hpp"

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/progress.hpp"
#include "core/timer.hpp"
#include "io/options.hpp"
#include "operators/models/registry.hpp"
#include "operators/training/device.hpp"
#include "operators/training/trainer.hpp"
#include "operators/training/weight_export.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <cmath>
#include <fstream>
#include <limits>

namespace ff::operators {

struct TrainOperatorStage::Settings {
  struct Optim {
    TrainerOptions trainer;
    long batch = 20;
  };
  std::filesystem::path data, out = "model.pt", best = "best.pt", history = "history.csv", weights = "weights.h5";
  std::string input = "inputs/a", target = "outputs/u", device = "cpu";
  Precision precision = Precision::float32;
  long window = 0, subsample = 1, validation = 0, seed = 0, checkpoint_every = 50;
  Optim optim;
  std::unique_ptr<ModelConfig> model;  // read through the model registry
  std::filesystem::path last;          // the checkpoint --resume continues from
};

namespace {

OptionsSchema<TrainerOptions> trainer_options() {
  OptionsSchema<TrainerOptions> o;
  o.choice("optimizer", &TrainerOptions::optimizer, {"adam", "adamw"}, "adam or adamw");
  o.key("lr", &TrainerOptions::learning_rate, "learning rate").greater_than(0);
  o.key("weight_decay", &TrainerOptions::weight_decay, "weight decay").def(1e-4).at_least(0);
  o.choice("scheduler", &TrainerOptions::scheduler, {"step", "cosine", "constant"}, "learning-rate schedule");
  o.key("step_every", &TrainerOptions::step_every, "step schedule: epochs between rate changes").at_least(1);
  o.key("gamma", &TrainerOptions::gamma, "step schedule: rate factor").greater_than(0);
  o.key("clip_norm", &TrainerOptions::clip_norm, "gradient norm clipping (0: off)").at_least(0);
  o.key("epochs", &TrainerOptions::epochs, "training epochs").at_least(1).smoke(2);
  o.choice("loss", &TrainerOptions::loss, {"l2", "h1"}, "relative l2 or h1 loss");
  o.key("input_noise", &TrainerOptions::input_noise,
        "std of Gaussian noise added to the normalized inputs while training (0: none); stabilizes rollouts")
      .at_least(0);
  return o;
}

OptionsSchema<TrainOperatorStage::Settings> options() {
  using S = TrainOperatorStage::Settings;
  OptionsSchema<S::Optim> optim;
  optim.merge(&S::Optim::trainer, trainer_options());
  optim.key("batch", &S::Optim::batch, "samples per batch").at_least(1);

  OptionsSchema<S> o;
  o.file("data", &S::data, ValueKind::dataset_file, "fieldforge dataset with train (and test) splits").required();
  o.key("input", &S::input, "input field");
  o.key("target", &S::target, "target field");
  o.key("window", &S::window,
        "autoregressive: steps of the target trajectory in, the next one out (0: input -> target)")
      .at_least(0)
      .smoke(1);
  o.key("subsample", &S::subsample, "train on every k-th grid point per axis (e.g. 421 -> 85 with 5)").at_least(1);
  o.key("validation", &S::validation,
        "the last this many training samples are held out to validate each epoch and pick best.pt "
        "(0: validate on the test split)")
      .at_least(0);
  o.key("seed", &S::seed, "seed of the initial weights and the batch order (0: the case seed)").at_least(0);
  o.map("model", model_registry().schema("fno"), "the operator");
  o.map("optim", &S::optim, optim, "optimization");
  o.key("device", &S::device, "cpu, cuda or cuda:N");
  o.choice("precision", &S::precision,
           {{"float32", Precision::float32}, {"bf16", Precision::bf16}, {"fp16", Precision::fp16}},
           "training forward: float32, or mixed precision with bf16 or fp16 pointwise layers (fp16 needs cuda)");
  o.key("checkpoint_every", &S::checkpoint_every, "epochs between checkpoints (0: only at the end)").at_least(0);
  o.file("out", &S::out, ValueKind::output_file, "final checkpoint");
  o.file("best", &S::best, ValueKind::output_file, "checkpoint with the lowest validation error");
  o.file("history", &S::history, ValueKind::output_file, "per-epoch learning rate, loss and validation error");
  o.file("weights", &S::weights, ValueKind::output_file, "the final model's weights and normalizers for Python (HDF5)");
  return o;
}

}  // namespace

Schema TrainOperatorStage::schema() { return options().schema(); }

TrainOperatorStage::TrainOperatorStage(const StageConfig& config)
    : settings_(std::make_unique<Settings>(options().read(config))) {
  auto& s = *settings_;
  s.model = model_registry().read(config, "model.");
  s.last = config.stage_dir() / "last.pt";
  s.optim.trainer.device = s.device;
  s.optim.trainer.precision = s.precision;
  FF_REQUIRE(s.precision != Precision::fp16 || s.device.rfind("cuda", 0) == 0, InputError,
             "precision: fp16 needs device cuda (CPU autocast is bf16 only), got device '{}'", s.device);
}

TrainOperatorStage::~TrainOperatorStage() = default;

void TrainOperatorStage::run(const RunContext& context) {
  // Data-parallel under mpiexec: every rank trains on its block of each
  // batch (training/data_parallel.hpp) and rank 0 writes the files.
  ScopedTimer timer("train.operator");
  const auto& s = *settings_;
  const bool root = mpi_rank() == 0;
  require_device(s.device);
  prepare_torch_process();
  DatasetReader reader(s.data);
  const std::uint64_t seed = s.seed > 0 ? static_cast<std::uint64_t>(s.seed) : context.seed;
  const long train_samples = static_cast<long>(reader.split("train").size());
  FF_REQUIRE(train_samples > 0, InputError, "{}: {} has no training samples", context.stage_name, s.data.string());
  FF_REQUIRE(s.validation < train_samples, InputError,
             "{}: validation: {} samples to hold out, but the train split of {} has only {}", context.stage_name,
             s.validation, s.data.string(), train_samples);
  DataLoaderOptions loader;
  loader.inputs = {s.input};
  loader.targets = {s.target};
  loader.batch_size = s.optim.batch;
  loader.seed = seed;
  loader.window = s.window;
  loader.subsample = s.subsample;
  loader.end = train_samples - s.validation;
  loader.shard = mpi_rank();
  loader.shards = mpi_size();
  if (s.window > 0) loader.inputs = {s.target};  // windows of the target trajectory
  DataLoader train(reader, loader);
  // Validation: the held-out end of train, else the test split if there is one.
  loader.shuffle = false;
  loader.end = 0;
  if (s.validation > 0)
    loader.begin = train_samples - s.validation;
  else
    loader.split = "test";
  const bool validate = !reader.split(loader.split).empty();
  std::unique_ptr<DataLoader> validation = validate ? std::make_unique<DataLoader>(reader, loader) : nullptr;
  if (s.validation > 0)
    spdlog::info("{}: training on {} samples, validating on the {} held out after them", context.stage_name,
                 train.split().size(), validation->split().size());

  const DataShape data{static_cast<int>(train.input_channels()), static_cast<int>(train.target_channels()),
                       static_cast<int>(train.grid_shape().size())};
  torch::manual_seed(seed);
  BuiltModel built = s.model->build(data);
  const ParameterCounts& counts = built.counts;
  const std::string saving =
      counts.spectral == counts.dense_spectral
          ? ""
          : fmt::format(" ({:.3g}x fewer than the {} of dense weights)",
                        static_cast<double>(counts.dense_spectral) / counts.spectral, counts.dense_spectral);
  spdlog::info("{}: {} with {} parameters, {} of them spectral{}", context.stage_name, s.model->kind(), counts.total,
               counts.spectral, saving);
  TrainerOptions trainer_options = s.optim.trainer;
  trainer_options.noise_seed = seed;
  trainer_options.device = rank_device(s.device);
  if (mpi_size() > 1)
    spdlog::info("{}: data-parallel on {} ranks, {} samples per batch in all ({} per rank)", context.stage_name,
                 mpi_size(), s.optim.batch, block_range(s.optim.batch, 0, mpi_size()).size());
  Trainer trainer(built.module, train, validation.get(), trainer_options);
  // A resumed run must also draw the same batches and hold out the same samples.
  CheckpointHeader header;
  header.model = s.model->describe();
  header.data = data;
  header.input = loader.inputs.front();
  header.target = s.target;
  header.window = s.window;
  header.validation = s.validation;
  header.seed = seed;
  header.stamp(context.case_yaml);
  trainer.set_header(std::move(header));
  if (context.resume && std::filesystem::exists(s.last)) {
    trainer.load_checkpoint(s.last);
    spdlog::info("{}: resuming at epoch {} from {}", context.stage_name, trainer.epoch(), s.last.string());
  }

  // History rows and the best validation error so far: after a resume, the
  // rows up to the checkpoint's epoch (later ones are about to be redone).
  // Rank 0 reads them and tells the others the best error, so that every
  // rank agrees on when best.pt is written (a collective call).
  std::string rows = "epoch,learning_rate,train_loss,validation_error\n";
  double best = std::numeric_limits<double>::infinity();
  if (root && trainer.epoch() > 0 && std::filesystem::exists(s.history)) {
    std::ifstream previous(s.history);
    std::string line;
    std::getline(previous, line);  // header
    while (std::getline(previous, line)) {
      const auto fields = line.find(',');
      if (fields == std::string::npos || std::stol(line.substr(0, fields)) >= trainer.epoch()) continue;
      rows += line + '\n';
      const double error = std::stod(line.substr(line.rfind(',') + 1));
      if (error < best) best = error;
    }
  }
  broadcast_from_root(best);
  // Rewritten whole, then appended to: a kill never loses the earlier rows.
  std::ofstream history;
  if (root) {
    write_file_atomically(s.history, rows);
    history.open(s.history, std::ios::app);
  }
  Progress progress(context.stage_name + " epochs", s.optim.trainer.epochs - trainer.epoch(), root);
  trainer.train(s.optim.trainer.epochs, [&](const EpochRecord& r) {
    history << r.epoch << ',' << r.learning_rate << ',' << r.train_loss << ',' << r.validation_error << '\n'
            << std::flush;
    spdlog::info(
        "{}: epoch {} lr {:.3g} loss {:.4g} validation {:.4g}{}", context.stage_name, r.epoch, r.learning_rate,
        r.train_loss, r.validation_error,
        r.skipped_steps > 0 ? fmt::format(", {} fp16 steps skipped (gradients overflowed)", r.skipped_steps) : "");
    if (s.checkpoint_every > 0 && trainer.epoch() % s.checkpoint_every == 0) trainer.save_checkpoint(s.last);
    if (validate && r.validation_error < best) {
      best = r.validation_error;
      trainer.save_checkpoint(s.best);
    }
    progress.advance();
  });
  trainer.save_checkpoint(s.out);
  trainer.save_checkpoint(s.last);
  if (root) export_weights(s.out, s.weights, context.provenance());
  if (validate) {
    const double final_error = trainer.evaluate(*validation);  // collective: every rank, whatever the log level
    spdlog::info("{}: {} relative L2 {:.4g} (best {:.4g})", context.stage_name,
                 s.validation > 0 ? "validation" : "test", final_error, best);
  }
}

}  // namespace ff::operators
