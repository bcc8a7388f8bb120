#include "operators/train_stage.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/progress.hpp"
#include "core/timer.hpp"
#include "operators/device.hpp"
#include "operators/model_factory.hpp"
#include "operators/trained_operator.hpp"
#include "operators/trainer.hpp"
#include "operators/weight_export.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <cmath>
#include <fstream>
#include <limits>

namespace ff::operators {

struct TrainOperatorStage::Settings {
  std::filesystem::path data, out, best, history, last, weights;
  std::string input, target, device;
  ModelSpec model;
  TrainerOptions trainer;
  long batch = 20, checkpoint_every = 0, window = 0, subsample = 1, validation = 0, seed = 0;
};

Schema TrainOperatorStage::schema() {
  Schema model;
  model.key("kind", ValueKind::choice, "fno, tfno (factorized weights) or mgtfno (multi-grid patches)")
      .def("fno")
      .choices({"fno", "tfno", "mgtfno"});
  model.key("modes", ValueKind::integer_list, "Fourier modes per axis (its length is the dimension)")
      .def("[12, 12]")
      .at_least(1)
      .smoke(4);
  model.key("width", ValueKind::integer, "channels of the Fourier layers").def(32).at_least(1).smoke(8);
  model.key("layers", ValueKind::integer, "Fourier layers").def(4).at_least(1).smoke(2);
  model.key("projection", ValueKind::integer, "hidden width of the projection MLP").def(128).at_least(1).smoke(16);
  model.key("grid", ValueKind::choice, "coordinate channels: periodic (j/n), closed (j/(n-1)) or none")
      .def("periodic")
      .choices({"periodic", "closed", "none"});
  model.key("padding", ValueKind::integer, "zero padding per axis for non-periodic problems").def(0).at_least(0);
  model.key("factorization", ValueKind::choice, "tfno/mgtfno weights: tucker or cp").def("tucker").choices({"tucker", "cp"});
  model.key("rank", ValueKind::number, "tfno/mgtfno: fraction of the dense spectral parameters").def(0.1).greater_than(0).at_most(1);
  model.key("ranks", ValueKind::integer_list,
            "tfno/mgtfno: explicit ranks instead of rank: Tucker one per axis of [layers, in, out, modes...] "
            "([in, out, modes...] when not joint), CP one")
      .def("[]")
      .at_least(1)
      .smoke(2);
  model.key("reconstructed", ValueKind::boolean, "tfno/mgtfno: contract with the rebuilt dense weights (to compare)")
      .def(false);
  model.key("joint", ValueKind::boolean,
            "tfno/mgtfno: one factorization of all layers' weights, or one per layer (rank then holds per layer)")
      .def(true);
  model.key("levels", ValueKind::integer, "mgtfno: 2^levels patches per axis").def(1).at_least(1).at_most(6);
  model.key("overlap", ValueKind::integer, "mgtfno: overlap of the patches in points").def(0).at_least(0);
  model.key("context", ValueKind::choice,
            "mgtfno: what the coarse views see past the domain's edge: its far side (periodic) or zeros")
      .def("periodic")
      .choices({"periodic", "zero"});

  Schema optim;
  optim.key("optimizer", ValueKind::choice, "adam or adamw").def("adam").choices({"adam", "adamw"});
  optim.key("lr", ValueKind::number, "learning rate").def(1e-3).greater_than(0);
  optim.key("weight_decay", ValueKind::number, "weight decay").def(1e-4).at_least(0);
  optim.key("scheduler", ValueKind::choice, "learning-rate schedule").def("step").choices({"step", "cosine", "constant"});
  optim.key("step_every", ValueKind::integer, "step schedule: epochs between rate changes").def(100).at_least(1);
  optim.key("gamma", ValueKind::number, "step schedule: rate factor").def(0.5).greater_than(0);
  optim.key("clip_norm", ValueKind::number, "gradient norm clipping (0: off)").def(0.0).at_least(0);
  optim.key("epochs", ValueKind::integer, "training epochs").def(500).at_least(1).smoke(2);
  optim.key("batch", ValueKind::integer, "samples per batch").def(20).at_least(1);
  optim.key("loss", ValueKind::choice, "relative l2 or h1 loss").def("l2").choices({"l2", "h1"});

  Schema s;
  s.key("data", ValueKind::dataset_file, "fieldforge dataset with train (and test) splits").required();
  s.key("input", ValueKind::string, "input field").def("inputs/a");
  s.key("target", ValueKind::string, "target field").def("outputs/u");
  s.key("window", ValueKind::integer,
        "autoregressive: steps of the target trajectory in, the next one out (0: input -> target)")
      .def(0)
      .at_least(0)
      .smoke(1);
  s.key("subsample", ValueKind::integer, "train on every k-th grid point per axis (e.g. 421 -> 85 with 5)")
      .def(1)
      .at_least(1);
  s.key("validation", ValueKind::integer,
        "the last this many training samples are held out to validate each epoch and pick best.pt "
        "(0: validate on the test split)")
      .def(0)
      .at_least(0);
  s.key("seed", ValueKind::integer, "seed of the initial weights and the batch order (0: the case seed)")
      .def(0)
      .at_least(0);
  s.map("model", model, "the operator");
  s.map("optim", optim, "optimization");
  s.key("device", ValueKind::string, "cpu, cuda or cuda:N").def("cpu");
  s.key("precision", ValueKind::choice,
        "training forward: float32, or mixed precision with bf16 or fp16 pointwise layers (fp16 needs cuda)")
      .def("float32")
      .choices({"float32", "bf16", "fp16"});
  s.key("checkpoint_every", ValueKind::integer, "epochs between checkpoints (0: only at the end)").def(50).at_least(0);
  s.key("out", ValueKind::output_file, "final checkpoint").def("model.pt");
  s.key("best", ValueKind::output_file, "checkpoint with the lowest validation error").def("best.pt");
  s.key("history", ValueKind::output_file, "per-epoch learning rate, loss and validation error").def("history.csv");
  s.key("weights", ValueKind::output_file, "the final model's weights and normalizers for Python (HDF5)")
      .def("weights.h5");
  return s;
}

TrainOperatorStage::TrainOperatorStage(const StageConfig& config) : settings_(std::make_unique<Settings>()) {
  auto& s = *settings_;
  s.data = config.get<std::string>("data");
  s.input = config.get<std::string>("input");
  s.target = config.get<std::string>("target");
  s.device = config.get<std::string>("device");
  s.out = config.output_path("out");
  s.best = config.output_path("best");
  s.history = config.output_path("history");
  s.weights = config.output_path("weights");
  s.window = config.get<long>("window");
  s.subsample = config.get<long>("subsample");
  s.last = config.stage_dir() / "last.pt";
  s.checkpoint_every = config.get<long>("checkpoint_every");
  s.validation = config.get<long>("validation");
  s.seed = config.get<long>("seed");

  s.model.kind = config.get<std::string>("model.kind");
  s.model.network.modes.clear();
  for (long m : config.integers("model.modes")) s.model.network.modes.push_back(static_cast<int>(m));
  FF_REQUIRE(!s.model.network.modes.empty() && s.model.network.modes.size() <= 3, InputError,
             "model.modes needs 1 to 3 entries, got {}", s.model.network.modes.size());
  s.model.network.width = config.get<int>("model.width");
  s.model.network.layers = config.get<int>("model.layers");
  s.model.network.projection = config.get<int>("model.projection");
  s.model.network.grid = parse_grid_channels(config.get<std::string>("model.grid"));
  s.model.network.padding = config.get<int>("model.padding");
  s.model.network.factorization = config.get<std::string>("model.factorization");
  s.model.network.rank = config.get<double>("model.rank");
  for (long r : config.integers("model.ranks")) s.model.network.ranks.push_back(static_cast<int>(r));
  s.model.network.joint = config.get<bool>("model.joint");
  const bool joint = s.model.network.joint;
  const std::size_t rank_count =
      s.model.network.factorization == "cp" ? 1 : (joint ? 3 : 2) + s.model.network.modes.size();
  FF_REQUIRE(s.model.network.ranks.empty() || s.model.network.ranks.size() == rank_count, InputError,
             "model.ranks: {} given, {} takes {} ({})", s.model.network.ranks.size(), s.model.network.factorization,
             rank_count,
             rank_count == 1 ? "R"
             : joint         ? "one per axis of [layers, in, out, modes...]"
                             : "one per axis of a layer's [in, out, modes...], since joint is false");
  s.model.network.reconstructed = config.get<bool>("model.reconstructed");
  s.model.levels = config.get<int>("model.levels");
  s.model.overlap = config.get<int>("model.overlap");
  s.model.periodic_context = config.get<std::string>("model.context") == "periodic";

  auto& t = s.trainer;
  t.optimizer = config.get<std::string>("optim.optimizer");
  t.learning_rate = config.get<double>("optim.lr");
  t.weight_decay = config.get<double>("optim.weight_decay");
  t.scheduler = config.get<std::string>("optim.scheduler");
  t.step_every = config.get<long>("optim.step_every");
  t.gamma = config.get<double>("optim.gamma");
  t.clip_norm = config.get<double>("optim.clip_norm");
  t.epochs = config.get<long>("optim.epochs");
  t.loss = config.get<std::string>("optim.loss");
  t.device = s.device;
  t.precision = parse_precision(config.get<std::string>("precision"));
  FF_REQUIRE(t.precision != Precision::fp16 || s.device.rfind("cuda", 0) == 0, InputError,
             "precision: fp16 needs device cuda (CPU autocast is bf16 only), got device '{}'", s.device);
  s.batch = config.get<long>("optim.batch");
}

TrainOperatorStage::~TrainOperatorStage() = default;

void TrainOperatorStage::run(const RunContext& context) {
  // Training is not data-parallel: under mpiexec rank 0 trains and writes
  // the files, and the other ranks wait for it at the end of the stage.
  if (mpi_rank() != 0) return;
  ScopedTimer timer("train.operator");
  const auto& s = *settings_;
  require_device(s.device);
  keep_freed_memory_for_reuse();
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
  loader.batch_size = s.batch;
  loader.seed = seed;
  loader.window = s.window;
  loader.subsample = s.subsample;
  loader.end = train_samples - s.validation;
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

  ModelSpec spec = s.model;
  FF_REQUIRE(spec.network.modes.size() == train.grid_shape().size(), InputError,
             "{}: model.modes has {} entries but the data is {}D", context.stage_name, spec.network.modes.size(),
             train.grid_shape().size());
  spec.network.in_channels = static_cast<int>(train.input_channels());
  spec.network.out_channels = static_cast<int>(train.target_channels());
  torch::manual_seed(seed);
  torch::nn::AnyModule model = make_model(spec);
  const ParameterCounts counts = count_parameters(model);
  const std::string saving =
      counts.spectral == counts.dense_spectral
          ? ""
          : fmt::format(" ({:.3g}x fewer than the {} of dense weights)",
                        static_cast<double>(counts.dense_spectral) / counts.spectral, counts.dense_spectral);
  spdlog::info("{}: {} with {} parameters, {} of them spectral{}", context.stage_name, spec.kind, counts.total,
               counts.spectral, saving);
  Trainer trainer(model, train, validation.get(), s.trainer);
  // A resumed run must also draw the same batches and hold out the same samples.
  auto metadata = CheckpointMetadata{spec, loader.inputs.front(), s.target, s.window}.entries();
  metadata["seed"] = std::to_string(seed);
  metadata["validation"] = std::to_string(s.validation);
  trainer.set_metadata(std::move(metadata));
  if (context.resume && std::filesystem::exists(s.last)) {
    trainer.load_checkpoint(s.last);
    spdlog::info("{}: resuming at epoch {} from {}", context.stage_name, trainer.epoch(), s.last.string());
  }

  // History rows and the best validation error so far: after a resume, the
  // rows up to the checkpoint's epoch (later ones are about to be redone).
  std::vector<std::string> rows;
  double best = std::numeric_limits<double>::infinity();
  if (trainer.epoch() > 0 && std::filesystem::exists(s.history)) {
    std::ifstream previous(s.history);
    std::string line;
    std::getline(previous, line);  // header
    while (std::getline(previous, line)) {
      const auto fields = line.find(',');
      if (fields == std::string::npos || std::stol(line.substr(0, fields)) >= trainer.epoch()) continue;
      rows.push_back(line);
      const double error = std::stod(line.substr(line.rfind(',') + 1));
      if (error < best) best = error;
    }
  }
  std::ofstream history(s.history, std::ios::trunc);
  history << "epoch,learning_rate,train_loss,validation_error\n";
  for (const auto& row : rows) history << row << '\n';
  Progress progress(context.stage_name + " epochs", s.trainer.epochs - trainer.epoch());
  trainer.train(s.trainer.epochs, [&](const EpochRecord& r) {
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
  export_weights(s.out, s.weights, context.provenance());
  if (validate)
    spdlog::info("{}: {} relative L2 {:.4g} (best {:.4g})", context.stage_name,
                 s.validation > 0 ? "validation" : "test", trainer.evaluate(*validation), best);
}

}  // namespace ff::operators
