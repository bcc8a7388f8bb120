#include "core/error.hpp"
#include "io/dataset_writer.hpp"
#include "operators/fno.hpp"
#include "operators/trainer.hpp"
#include "poisson_data.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

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
