#include "operators/stages/evaluate_stage.hpp"

#include "core/error.hpp"
#include "core/progress.hpp"
#include "core/timer.hpp"
#include "io/dataset_writer.hpp"
#include "io/options.hpp"
#include "operators/data/data_loader.hpp"
#include "operators/models/trained_operator.hpp"
#include "operators/training/device.hpp"
#include "operators/training/losses.hpp"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <numeric>

namespace ff::operators {

struct EvaluateStage::Settings {
  std::filesystem::path model, data, out = "predictions.h5";
  std::string split = "test", device = "cpu";
  long batch = 20, steps = 0, subsample = 1;
};

namespace {
OptionsSchema<EvaluateStage::Settings> options() {
  using S = EvaluateStage::Settings;
  OptionsSchema<S> o;
  o.file("model", &S::model, ValueKind::input_file, "checkpoint written by train.operator (model.pt or best.pt)")
      .required();
  o.file("data", &S::data, ValueKind::dataset_file,
         "dataset with the fields the model was trained on, at any resolution")
      .required();
  o.choice("split", &S::split, {"test", "train"}, "split to evaluate");
  o.key("batch", &S::batch, "samples per batch").at_least(1);
  o.key("steps", &S::steps, "autoregressive models: steps to roll out (0: to the end of the data)")
      .at_least(0)
      .smoke(0);
  o.key("subsample", &S::subsample, "evaluate on every k-th grid point per axis (e.g. 421 -> 141 with 3)").at_least(1);
  o.key("device", &S::device, "cpu, cuda or cuda:N");
  o.file("out", &S::out, ValueKind::output_file, "predictions and per-sample errors");
  return o;
}
}  // namespace

Schema EvaluateStage::schema() { return options().schema(); }

EvaluateStage::EvaluateStage(const StageConfig& config)
    : settings_(std::make_unique<Settings>(options().read(config))) {}

EvaluateStage::~EvaluateStage() = default;

namespace {

// Relative L2 error of every step: [batch, steps·c, grid...] -> [batch, steps].
torch::Tensor relative_l2_per_step(const torch::Tensor& prediction, const torch::Tensor& truth, long steps) {
  const auto per_step = [&](const torch::Tensor& t) { return t.reshape({t.size(0), steps, -1}); };
  return (per_step(prediction) - per_step(truth)).norm(2, 2) / per_step(truth).norm(2, 2);
}

void append(std::vector<double>& values, const torch::Tensor& t) {
  const torch::Tensor flat = t.to(torch::kCPU, torch::kFloat64).contiguous().flatten();
  values.insert(values.end(), flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
}

}  // namespace

void EvaluateStage::run(const RunContext& context) {
  ScopedTimer timer("evaluate");
  const auto& s = *settings_;
  require_device(s.device);
  prepare_torch_process();
  TrainedOperator model(s.model, s.device);
  const CheckpointHeader& meta = model.header();
  const std::string data = s.data.string();
  DatasetReader reader(s.data);
  FF_REQUIRE(reader.grid().shape.size() == static_cast<std::size_t>(meta.data.dimension), InputError,
             "data: {} holds fields on a {}D grid, but the model {} was trained on {}D data", data,
             reader.grid().shape.size(), s.model.string(), meta.data.dimension);

  const bool rollout = meta.window > 0;
  DataLoaderOptions options;
  options.inputs = {rollout ? meta.target : meta.input};  // a rollout starts from the trajectory itself
  options.targets = {meta.target};
  options.split = s.split;
  options.batch_size = s.batch;
  options.shuffle = false;
  options.subsample = s.subsample;
  const DataLoader loader(reader, options);

  // What the model sees per sample, checked here so that a wrong dataset
  // is named instead of failing inside a layer.
  const std::vector<std::uint64_t> target_shape = reader.sample_shape(meta.target);
  const auto grid = loader.grid_shape();
  const int in_channels = meta.data.in_channels;
  long steps = 0;
  std::vector<std::uint64_t> prediction_shape(target_shape.begin(), target_shape.end() - grid.size());
  prediction_shape.insert(prediction_shape.end(), grid.begin(), grid.end());
  if (rollout) {
    const auto available =
        static_cast<long>(target_shape.size() > grid.size() ? target_shape.front() : 1) - meta.window;
    FF_REQUIRE(available >= 1, InputError, "{}: '{}' has {} steps per sample; the model needs {} to start a rollout",
               data, meta.target, available + meta.window, meta.window + 1);
    const std::uint64_t components = target_shape.size() == grid.size() + 2 ? target_shape[1] : 1;
    FF_REQUIRE(components == static_cast<std::uint64_t>(meta.data.out_channels), InputError,
               "{}: '{}' has {} components per step but the model {} predicts {}", data, meta.target, components,
               s.model.string(), meta.data.out_channels);
    steps = s.steps > 0 ? s.steps : available;
    FF_REQUIRE(steps <= available, InputError, "{}: steps = {} but '{}' holds only {} steps after the first {}", data,
               steps, meta.target, available, meta.window);
    prediction_shape.front() = static_cast<std::uint64_t>(steps);
  } else {
    const long channels = loader.input_channels();
    FF_REQUIRE(channels == in_channels, InputError, "{}: '{}' has {} channels per sample but the model {} takes {}",
               data, meta.input, channels, s.model.string(), in_channels);
  }

  std::vector<double> predictions, l2, h1, per_step;
  std::vector<double> samples;
  Progress progress(context.stage_name + " batches", loader.batches_per_epoch());
  for (long b = 0; b < loader.batches_per_epoch(); ++b) {
    const Batch batch = loader.batch(0, b);
    torch::Tensor prediction, truth;
    if (rollout) {
      const long components = meta.data.out_channels;
      prediction = model.rollout(batch.input.narrow(1, 0, meta.window * components), steps);
      truth = batch.input.narrow(1, meta.window * components, steps * components).to(prediction.device());
      append(per_step, relative_l2_per_step(prediction, truth, steps));
    } else {
      prediction = model.predict(batch.input);
      truth = batch.target.to(prediction.device());
    }
    append(predictions, prediction);
    append(l2, relative_lp_per_sample(prediction, truth));
    append(h1, relative_h1_per_sample(prediction, truth));
    for (long sample : batch.samples) samples.push_back(static_cast<double>(sample));
    progress.advance();
  }

  const long n = loader.examples();
  auto mean = [](const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / v.size(); };
  DatasetLayout layout;
  layout.n_samples = n;
  layout.grid = reader.grid();
  layout.grid.shape.assign(grid.begin(), grid.end());
  // A rollout of c-component steps keeps the data's [steps, c, grid] layout, shown as vectors.
  const int components = rollout && prediction_shape.size() == grid.size() + 2 ? meta.data.out_channels : 1;
  layout.fields = {{meta.target, prediction_shape, DType::float32, {{"mean_relative_l2", mean(l2)}}, components},
                   {"params/relative_l2", {}, DType::float64, {{"mean", mean(l2)}}},
                   {"params/relative_h1", {}, DType::float64, {{"mean", mean(h1)}}},
                   {"params/sample", {}, DType::float64, {}}};
  if (rollout) {
    layout.fields.push_back({"outputs/relative_l2_per_step", {static_cast<std::uint64_t>(steps)}, DType::float64, {}});
    // The predicted steps are the data's steps window .. window + steps - 1:
    // their times let ParaView play the rollout in the data's time.
    const std::vector<double> times = reader.times();
    if (static_cast<long>(times.size()) >= meta.window + steps)
      layout.times.assign(times.begin() + meta.window, times.begin() + meta.window + steps);
  }
  layout.split_contiguous(s.split == "train" ? n : 0, s.split == "test" ? n : 0);
  DatasetWriter writer(s.out, layout, context.provenance());
  const std::size_t per_sample = predictions.size() / static_cast<std::size_t>(n);
  for (long i = writer.local_samples().begin; i < writer.local_samples().end; ++i) {
    writer.write_sample(meta.target, i, predictions.data() + i * per_sample);
    writer.write_sample("params/relative_l2", i, &l2[i]);
    writer.write_sample("params/relative_h1", i, &h1[i]);
    writer.write_sample("params/sample", i, &samples[i]);
    if (rollout) writer.write_sample("outputs/relative_l2_per_step", i, per_step.data() + i * steps);
  }
  writer.commit();

  std::string resolution, rollout_note;
  for (auto extent : grid) resolution += (resolution.empty() ? "" : "x") + std::to_string(extent);
  if (rollout) {
    double last_step = 0;
    for (long i = 0; i < n; ++i) last_step += per_step[i * steps + steps - 1] / n;
    rollout_note = fmt::format(" (rollout of {} steps, last step {:.4g})", steps, last_step);
  }
  spdlog::info("{}: {} split of {} at {}: relative L2 {:.4g}, H1 {:.4g} over {} samples{}", context.stage_name, s.split,
               data, resolution, mean(l2), mean(h1), n, rollout_note);
}

}  // namespace ff::operators
