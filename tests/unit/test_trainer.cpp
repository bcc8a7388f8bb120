#include "core/error.hpp"
#include "io/dataset_writer.hpp"
#include "operators/models/fno/fno.hpp"
#include "operators/models/registry.hpp"
#include "operators/models/trained_operator.hpp"
#include "operators/training/trainer.hpp"
#include "poisson_data.hpp"
#include "temp_dir.hpp"

#include <fieldforge/build_config.hpp>

#include <fmt/format.h>
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

TEST(Trainer, InputNoiseFollowsFromTheSeedSoResumedRunsMatch) {
  TempDir dir;
  ff::DatasetReader reader(poisson_dataset(dir.path()));
  DataLoader train(reader, split_options("train")), test(reader, split_options("test"));
  TrainerOptions noisy = quick();
  noisy.input_noise = 0.1;
  noisy.noise_seed = 7;

  Fno plain = small_fno(1), straight = small_fno(1);
  Trainer(torch::nn::AnyModule(plain), train, &test, quick()).train(4);
  Trainer(torch::nn::AnyModule(straight), train, &test, noisy).train(4);

  Fno first = small_fno(1), resumed = small_fno(2);
  const auto checkpoint = dir / "noisy.pt";
  Trainer interrupted(torch::nn::AnyModule(first), train, &test, noisy);
  interrupted.train(2, [&](const EpochRecord&) { interrupted.save_checkpoint(checkpoint); });
  Trainer continued(torch::nn::AnyModule(resumed), train, &test, noisy);
  continued.load_checkpoint(checkpoint);
  continued.train(4);

  const auto a = straight->parameters(), b = resumed->parameters(), c = plain->parameters();
  bool differs_from_plain = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(torch::equal(a[i], b[i])) << "parameter " << i;
    differs_from_plain = differs_from_plain || !torch::equal(a[i], c[i]);
  }
  EXPECT_TRUE(differs_from_plain) << "the noise changed nothing";
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

// A small model of `kind` through the registry, as a case file's model map
// would give it; `changes` replace or add "key: value" lines.
std::unique_ptr<ModelConfig> small_config(const std::string& kind = "fno",
                                          std::map<std::string, std::string> changes = {}) {
  std::map<std::string, std::string> keys{{"modes", "[4, 4]"}, {"width", "8"}, {"layers", "2"}, {"projection", "16"}};
  for (const auto& [key, value] : changes) keys[key] = value;
  std::string text = "kind: " + kind + "\n";
  for (const auto& [key, value] : keys) text += key + ": " + value + "\n";
  return model_registry().from_description(text, "test");
}

CheckpointHeader small_header(const ModelConfig& config, int in_channels, const std::string& input,
                              const std::string& target, long window) {
  CheckpointHeader header;
  header.model = config.describe();
  header.data = {in_channels, 1, 2};
  header.input = input;
  header.target = target;
  header.window = window;
  header.stamp("case: test\n");
  return header;
}

TEST(ModelRegistry, EveryFamilyDescribesItselfAndIsRebuiltFromTheDescription) {
  for (const std::string& kind : model_registry().kinds()) {
    // No FNO keys: test_sfno.cpp (a sphere grid of its own), test_dcdm.cpp and
    // test_factformer.cpp do the same for these.
    if (kind == "sfno" || kind == "dcdm" || kind == "factformer") continue;
    std::map<std::string, std::string> changes{{"grid", "closed"}};
    if (kind != "fno") changes["ranks"] = "[2, 3, 4, 3, 3]";
    const auto config = small_config(kind, changes);
    EXPECT_EQ(config->kind(), kind);
    EXPECT_TRUE(config->closed_grid());
    const auto back = model_registry().from_description(config->describe(), "test");
    EXPECT_EQ(back->describe(), config->describe()) << kind;
    const BuiltModel built = back->build({3, 1, 2});
    int64_t total = 0;
    for (const auto& p : built.module.ptr()->parameters()) total += p.numel();
    EXPECT_EQ(built.counts.total, total) << kind;
    EXPECT_GT(built.counts.spectral, 0) << kind;
    EXPECT_THROW(back->build({3, 1, 3}), ff::InputError) << kind;  // 2 modes, 3D data
  }
  // A factorization saves spectral parameters; a dense FNO does not.
  const BuiltModel dense = small_config("fno")->build({1, 1, 2});
  EXPECT_EQ(dense.counts.spectral, dense.counts.dense_spectral);
  const BuiltModel tucker = small_config("tfno")->build({1, 1, 2});
  EXPECT_LT(tucker.counts.spectral, tucker.counts.dense_spectral);
}

TEST(ModelRegistry, DamagedDescriptionsAreInputErrors) {
  EXPECT_THROW(model_registry().from_description("kind: transformer\n", "test"), ff::InputError);
  EXPECT_THROW(small_config("fno", {{"width", "x"}}), ff::InputError);
  EXPECT_THROW(small_config("fno", {{"width", "0"}}), ff::InputError);  // out of range
  EXPECT_THROW(small_config("mgtfno", {{"context", "zeros"}}), ff::InputError);
  EXPECT_THROW(small_config("fno", {{"heads", "4"}}), ff::InputError);        // no family has it
  EXPECT_THROW(small_config("tfno", {{"ranks", "[1, 2]"}}), ff::InputError);  // Tucker takes 5 here
  EXPECT_THROW(model_registry().from_description("kind: [fno\n", "test"), ff::InputError);
  try {
    small_config("fno", {{"modes", "[1, 2, 3, 4]"}});
    FAIL() << "four modes accepted";
  } catch (const ff::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("1 to 3"), std::string::npos) << e.what();
  }
}

// The case file's `model` map: every family's keys once, those of some
// kinds only marked with them.
TEST(ModelRegistry, TheModelMapHoldsEveryFamilysKeys) {
  const ff::Schema schema = model_registry().schema("fno");
  ASSERT_NE(schema.find("kind"), nullptr);
  EXPECT_EQ(schema.find("kind")->choices, model_registry().kinds());
  ASSERT_NE(schema.find("levels"), nullptr);
  EXPECT_EQ(schema.find("levels")->description.rfind("mgtfno: ", 0), 0u);
  // width: the FNO-like kinds, so marked with them and not with dcdm.
  EXPECT_EQ(schema.find("width")->description.find("dcdm"), std::string::npos);
  ASSERT_NE(schema.find("filters"), nullptr);
  EXPECT_EQ(schema.find("filters")->description.rfind("dcdm: ", 0), 0u);
}

// Evaluation rebuilds the model from the checkpoint alone and predicts
// exactly what the trained model does, on its grid and (with resampled
// normalizers) on a finer one.
TEST(TrainedOperator, PredictsLikeTheTrainedModelFromTheCheckpointAlone) {
  TempDir dir;
  ff::DatasetReader reader(poisson_dataset(dir.path()));
  DataLoader train(reader, split_options("train")), test(reader, split_options("test"));
  const auto config = small_config();
  torch::nn::AnyModule model = config->build({1, 1, 2}).module;
  Trainer trainer(model, train, nullptr, quick());
  trainer.set_header(small_header(*config, 1, "inputs/f", "outputs/u", 0));
  trainer.train(1);
  const auto checkpoint = dir / "model.pt";
  trainer.save_checkpoint(checkpoint);

  TrainedOperator loaded(checkpoint, "cpu");
  EXPECT_EQ(loaded.header().input, "inputs/f");
  EXPECT_EQ(loaded.header().case_yaml, "case: test\n");
  EXPECT_EQ(loaded.header().git_sha, FIELDFORGE_GIT_SHA);
  EXPECT_EQ(loaded.header().fieldforge_version, FIELDFORGE_VERSION);
  EXPECT_EQ(loaded.header().case_hash.size(), 16u);
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
      batch.input,
      torch::nn::functional::InterpolateFuncOptions().size(std::vector<int64_t>{32, 32}).mode(torch::kNearest));
  EXPECT_EQ(loaded.predict(fine).sizes(), (std::vector<int64_t>{4, 1, 32, 32}));
  EXPECT_THROW(loaded.predict(torch::zeros({1, 1, 16})), ff::InputError);  // 1D data, 2D model
  EXPECT_THROW(loaded.rollout(batch.input, 2), ff::InputError);            // not autoregressive
  EXPECT_THROW(TrainedOperator(dir / "missing.pt", "cpu"), ff::InputError);
  EXPECT_THROW(TrainedOperator(reader.path(), "cpu"), ff::InputError);  // an HDF5 file
}

// A checkpoint that is truncated, of another format, not fieldforge's or
// describing a model this build does not know is refused, naming the file.
TEST(Checkpoint, DamagedOrForeignFilesAreInputErrorsNamingTheFile) {
  TempDir dir;
  ff::DatasetReader reader(poisson_dataset(dir.path()));
  DataLoader train(reader, split_options("train"));
  const auto config = small_config("tfno");
  Trainer trainer(config->build({1, 1, 2}).module, train, nullptr, quick());
  trainer.set_header(small_header(*config, 1, "inputs/f", "outputs/u", 0));
  const auto good = dir / "good.pt";
  trainer.save_checkpoint(good);
  EXPECT_EQ(TrainedOperator(good, "cpu").header().model, config->describe());

  auto expect_refused = [](const std::filesystem::path& path, const std::string& fragment) {
    try {
      TrainedOperator loaded(path, "cpu");
      FAIL() << path << " loaded";
    } catch (const ff::InputError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(path.string()), std::string::npos) << message;
      EXPECT_NE(message.find(fragment), std::string::npos) << message;
    }
  };
  const auto truncated = dir / "truncated.pt";
  std::filesystem::copy_file(good, truncated);
  std::filesystem::resize_file(truncated, std::filesystem::file_size(good) / 2);
  expect_refused(truncated, "truncated");

  const auto plain = dir / "plain.pt";  // a LibTorch archive, but not ours
  {
    torch::serialize::OutputArchive archive;
    archive.write("weights", torch::ones({2}));
    archive.save_to(plain.string());
  }
  expect_refused(plain, "not a fieldforge checkpoint");

  const auto future = dir / "future.pt";  // a format this build does not read
  {
    torch::serialize::OutputArchive archive, header;
    header.write("format", torch::tensor(kCheckpointFormat + 1));
    archive.write("header", header);
    archive.save_to(future.string());
  }
  expect_refused(future, fmt::format("checkpoint format {}", kCheckpointFormat + 1));

  CheckpointHeader unknown = small_header(*config, 1, "inputs/f", "outputs/u", 0);
  unknown.model = "kind: transformer\n";
  trainer.set_header(unknown);
  trainer.save_checkpoint(dir / "unknown.pt");
  expect_refused(dir / "unknown.pt", "got 'transformer'");
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
  const auto config = small_config();
  Trainer trainer(config->build({2, 1, 2}).module, train, nullptr, quick());
  trainer.set_header(small_header(*config, 2, "outputs/w", "outputs/w", 2));
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
