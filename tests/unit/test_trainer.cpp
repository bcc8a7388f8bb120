#include "core/error.hpp"
#include "io/dataset_writer.hpp"
#include "operators/fno.hpp"
#include "operators/model_factory.hpp"
#include "operators/trained_operator.hpp"
#include "operators/trainer.hpp"
#include "poisson_data.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <map>

namespace {

using namespace ff::operators;
using ff::test::TempDir;

// 16 training and 4 test Poisson pairs on 16² as a dataset file.
std::filesystem::path poisson_dataset(const std::filesystem::path& dir) {
  const int n = 16, count = 20;
  auto [f, u] = ff::test::poisson_pairs(n, count);
  ff::DatasetLayout layout;
  layout.n_samples = count;
  layout.grid.shape = {n, n};
  layout.grid.extent = {1.0, 1.0};
  layout.fields.push_back({"inputs/f", {n, n}, ff::DType::float32, {}});
  layout.fields.push_back({"outputs/u", {n, n}, ff::DType::float32, {}});
  layout.split_contiguous(16, 4);
  const auto path = dir / "poisson.h5";
  ff::DatasetWriter writer(path, layout, {});
  for (long s = 0; s < count; ++s) {
    writer.write_sample("inputs/f", s, f[s].contiguous().data_ptr<double>());
    writer.write_sample("outputs/u", s, u[s].contiguous().data_ptr<double>());
  }
  writer.commit();
  return path;
}

DataLoaderOptions split_options(const std::string& split) {
  DataLoaderOptions o;
  o.inputs = {"inputs/f"};
  o.targets = {"outputs/u"};
  o.split = split;
  o.batch_size = 4;
  o.seed = 1;
  return o;
}

Fno small_fno(int seed, int width = 8) {
  torch::manual_seed(seed);
  FnoOptions o;
  o.modes = {4, 4};
  o.width = width;
  o.layers = 2;
  o.projection = 16;
  return Fno(o);
}

TrainerOptions quick(double learning_rate = 5e-3) {
  TrainerOptions o;
  o.epochs = 4;
  o.learning_rate = learning_rate;
  o.step_every = 2;
  o.clip_norm = 1.0;
  return o;
}

TEST(Trainer, ResumingFromACheckpointContinuesExactly) {
  TempDir dir;
  ff::DatasetReader reader(poisson_dataset(dir.path()));
  DataLoader train(reader, split_options("train")), test(reader, split_options("test"));

  Fno straight = small_fno(1);
  Trainer(torch::nn::AnyModule(straight), train, &test, quick()).train(4);

  Fno first = small_fno(1);
  const auto checkpoint = dir / "epoch2.pt";
  Trainer interrupted(torch::nn::AnyModule(first), train, &test, quick());
  interrupted.train(2, [&](const EpochRecord&) { interrupted.save_checkpoint(checkpoint); });
  EXPECT_FALSE(std::filesystem::exists(checkpoint.string() + ".partial"));

  Fno resumed = small_fno(2);  // other initial weights: the checkpoint replaces them
  Trainer continued(torch::nn::AnyModule(resumed), train, &test, quick());
  continued.load_checkpoint(checkpoint);
  EXPECT_EQ(continued.epoch(), 2);
  continued.train(4);

  const auto a = straight->parameters(), b = resumed->parameters();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i])) << "parameter " << i;
}

TEST(Trainer, ValidationErrorFallsAndLossIsRecorded) {
  TempDir dir;
  ff::DatasetReader reader(poisson_dataset(dir.path()));
  DataLoader train(reader, split_options("train")), test(reader, split_options("test"));
  Fno fno = small_fno(3);
  Trainer trainer(torch::nn::AnyModule(fno), train, &test, quick(1e-2));
  const double before = trainer.evaluate(test);
  const auto history = trainer.train(20);
  ASSERT_EQ(history.size(), 20u);
  EXPECT_LT(history.back().validation_error, 0.5 * before) << before << " -> " << history.back().validation_error;
  EXPECT_DOUBLE_EQ(history[3].learning_rate, 1e-2 * 0.5);  // step schedule: halved every 2 epochs
}

// bf16 mixed precision (pointwise layers in bf16, spectral path and loss in
// float32) learns the Poisson map about as well as float32 from the same
// start; fp16 needs a GPU.
TEST(Trainer, Bf16MixedPrecisionLearnsLikeFloat32) {
  TempDir dir;
  ff::DatasetReader reader(poisson_dataset(dir.path()));
  DataLoader train(reader, split_options("train")), test(reader, split_options("test"));
  std::map<Precision, double> final_error;
  for (const Precision precision : {Precision::float32, Precision::bf16}) {
    Fno fno = small_fno(3);
    TrainerOptions options = quick(1e-2);
    options.precision = precision;
    Trainer trainer(torch::nn::AnyModule(fno), train, &test, options);
    final_error[precision] = trainer.train(20).back().validation_error;
  }
  RecordProperty("float32", std::to_string(final_error[Precision::float32]));
  RecordProperty("bf16", std::to_string(final_error[Precision::bf16]));
  EXPECT_LT(final_error[Precision::bf16], 1.5 * final_error[Precision::float32]);
  EXPECT_NE(final_error[Precision::bf16], final_error[Precision::float32]);  // the precision took effect

  TrainerOptions fp16 = quick();
  fp16.precision = Precision::fp16;
  EXPECT_THROW(Trainer(torch::nn::AnyModule(small_fno(3)), train, nullptr, fp16), ff::InputError);
}

TEST(Trainer, DivergenceNamesTheBatchAndCheckpointsOfOtherModelsAreRejected) {
  TempDir dir;
  ff::DatasetReader reader(poisson_dataset(dir.path()));
  DataLoader train(reader, split_options("train"));
  Fno fno = small_fno(4);
  TrainerOptions wild = quick(1e12);
  wild.clip_norm = 0;
  Trainer trainer(torch::nn::AnyModule(fno), train, nullptr, wild);
  try {
    trainer.train(50);
    FAIL() << "expected the loss to blow up";
  } catch (const ff::RunError& e) {
    EXPECT_NE(std::string(e.what()).find("training loss is not finite at epoch"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("(samples "), std::string::npos) << e.what();
  }

  const auto checkpoint = dir / "small.pt";
  Trainer(torch::nn::AnyModule(small_fno(5)), train, nullptr, quick()).save_checkpoint(checkpoint);
  Trainer wider(torch::nn::AnyModule(small_fno(5, 12)), train, nullptr, quick());
  try {
    wider.load_checkpoint(checkpoint);
    FAIL() << "expected a shape mismatch";
  } catch (const ff::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("in the checkpoint but"), std::string::npos) << e.what();
  }
  EXPECT_THROW(wider.load_checkpoint(dir / "missing.pt"), ff::InputError);
}

}  // namespace

namespace {

using ff::test::TempDir;
using namespace ff::operators;

ModelSpec small_spec(int in_channels) {
  ModelSpec spec;
  spec.network.modes = {4, 4};
  spec.network.in_channels = in_channels;
  spec.network.width = 8;
  spec.network.layers = 2;
  spec.network.projection = 16;
  return spec;
}

TEST(ModelSpec, DescriptionRoundTripsAndDamageIsAnInputError) {
  ModelSpec spec = small_spec(3);
  spec.kind = "mgtfno";
  spec.network.ranks = {2, 3, 4, 5, 6};
  spec.network.rank = 0.125;
  spec.network.grid = GridChannels::closed;
  spec.levels = 2;
  spec.overlap = 4;
  const ModelSpec back = parse_model_spec(describe(spec), "test");
  EXPECT_EQ(describe(back), describe(spec));
  EXPECT_EQ(back.network.ranks, spec.network.ranks);
  EXPECT_EQ(back.network.grid, GridChannels::closed);
  spec.network.joint = false;
  EXPECT_FALSE(parse_model_spec(describe(spec), "test").network.joint);
  // Checkpoints from before per-layer factorization have no joint line.
  std::string legacy = describe(spec);
  legacy.erase(legacy.find("joint=0\n"), 8);
  EXPECT_TRUE(parse_model_spec(legacy, "test").network.joint);
  spec.periodic_context = false;
  EXPECT_FALSE(parse_model_spec(describe(spec), "test").periodic_context);
  legacy = describe(spec);  // and from before MG-TFNO contexts could be zero, no context line
  legacy.erase(legacy.find("context=zero\n"), 13);
  EXPECT_TRUE(parse_model_spec(legacy, "test").periodic_context);
  std::string garbled = describe(spec);
  garbled.replace(garbled.find("context=zero"), 12, "context=zeros");
  EXPECT_THROW(parse_model_spec(garbled, "test"), ff::InputError);
  EXPECT_THROW(parse_model_spec("kind=fno\n", "test"), ff::InputError);  // keys missing
  std::string damaged = describe(spec);
  damaged.replace(damaged.find("width=8"), 7, "width=x");
  EXPECT_THROW(parse_model_spec(damaged, "test"), ff::InputError);
}

// Evaluation rebuilds the model from the checkpoint alone and predicts
// exactly what the trained model does, on its grid and (with resampled
// normalizers) on a finer one.
TEST(TrainedOperator, PredictsLikeTheTrainedModelFromTheCheckpointAlone) {
  TempDir dir;
  ff::DatasetReader reader(poisson_dataset(dir.path()));
  DataLoader train(reader, split_options("train")), test(reader, split_options("test"));
  const ModelSpec spec = small_spec(1);
  torch::nn::AnyModule model = make_model(spec);
  Trainer trainer(model, train, nullptr, quick());
  trainer.set_metadata(CheckpointMetadata{spec, "inputs/f", "outputs/u", 0}.entries());
  trainer.train(1);
  const auto checkpoint = dir / "model.pt";
  trainer.save_checkpoint(checkpoint);

  TrainedOperator loaded(checkpoint, "cpu");
  EXPECT_EQ(loaded.metadata().input, "inputs/f");
  EXPECT_EQ(loaded.epoch(), 1);
  const Batch batch = test.batch(0, 0);
  torch::Tensor expected;
  {
    torch::NoGradGuard no_grad;
    model.ptr()->eval();
    expected = trainer.target_normalizer().decode(model.forward(trainer.input_normalizer().encode(batch.input)));
  }
  EXPECT_TRUE(torch::equal(loaded.predict(batch.input), expected));

  const auto fine = torch::nn::functional::interpolate(
      batch.input, torch::nn::functional::InterpolateFuncOptions().size(std::vector<int64_t>{32, 32}).mode(torch::kNearest));
  EXPECT_EQ(loaded.predict(fine).sizes(), (std::vector<int64_t>{4, 1, 32, 32}));
  EXPECT_THROW(loaded.predict(torch::zeros({1, 1, 16})), ff::InputError);      // 1D data, 2D model
  EXPECT_THROW(loaded.rollout(batch.input, 2), ff::InputError);                // not autoregressive
  EXPECT_THROW(TrainedOperator(dir / "missing.pt", "cpu"), ff::InputError);
  EXPECT_THROW(TrainedOperator(reader.path(), "cpu"), ff::InputError);          // an HDF5 file
}

// An autoregressive model rolls out by feeding each prediction back as the
// newest of its `window` input steps.
TEST(TrainedOperator, RolloutFeedsEveryPredictionBack) {
  TempDir dir;
  const int n = 16, steps = 6, count = 6;
  const torch::Tensor f = ff::test::poisson_pairs(n, count).first;
  ff::DatasetLayout layout;
  layout.n_samples = count;
  layout.grid.shape = {n, n};
  layout.grid.extent = {1.0, 1.0};
  layout.fields.push_back({"outputs/w", {steps, n, n}, ff::DType::float32, {}});
  layout.split_contiguous(4, 2);
  const auto path = dir.path() / "w.h5";
  {
    ff::DatasetWriter writer(path, layout, {});
    for (long s = 0; s < count; ++s) {  // w(t) = f · cos(t / 2): smooth in time
      std::vector<torch::Tensor> frames;
      for (int t = 0; t < steps; ++t) frames.push_back(f[s][0] * std::cos(0.5 * t));
      writer.write_sample("outputs/w", s, torch::stack(frames).contiguous().data_ptr<double>());
    }
    writer.commit();
  }
  ff::DatasetReader reader(path);
  DataLoaderOptions o;
  o.inputs = o.targets = {"outputs/w"};
  o.window = 2;
  o.batch_size = 4;
  DataLoader train(reader, o);
  const ModelSpec spec = small_spec(2);
  Trainer trainer(make_model(spec), train, nullptr, quick());
  trainer.set_metadata(CheckpointMetadata{spec, "outputs/w", "outputs/w", 2}.entries());
  trainer.train(1);
  trainer.save_checkpoint(dir / "ar.pt");

  TrainedOperator loaded(dir / "ar.pt", "cpu");
  const auto known = train.batch(0, 0).input;  // [4, 2, n, n]
  const auto rolled = loaded.rollout(known, 3);
  ASSERT_EQ(rolled.sizes(), (std::vector<int64_t>{4, 3, n, n}));
  const auto p1 = loaded.predict(known);
  const auto p2 = loaded.predict(torch::cat({known.narrow(1, 1, 1), p1}, 1));
  const auto p3 = loaded.predict(torch::cat({p1, p2}, 1));
  EXPECT_TRUE(torch::equal(rolled, torch::cat({p1, p2, p3}, 1)));
  EXPECT_THROW(loaded.rollout(known.narrow(1, 0, 1), 3), ff::InputError);  // one known step, window 2
}

}  // namespace
