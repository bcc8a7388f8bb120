#include "core/error.hpp"
#include "io/dataset_writer.hpp"
#include "operators/data/data_loader.hpp"
#include "operators/training/normalizer.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <numeric>
#include <set>

namespace {

using namespace ff::operators;
using ff::test::TempDir;

// 23 samples on a 4×6 grid: a = sample index everywhere, u has two channels
// (index + 0.25, index + 0.5); samples 0..18 train, 19..22 test.
std::filesystem::path write_dataset(const std::filesystem::path& dir) {
  ff::DatasetLayout layout;
  layout.n_samples = 23;
  layout.grid.shape = {4, 6};
  layout.grid.extent = {1.0, 1.0};
  layout.fields.push_back({"inputs/a", {4, 6}, ff::DType::float32, {}});
  layout.fields.push_back({"outputs/u", {2, 4, 6}, ff::DType::float32, {}});
  layout.split_contiguous(19, 4);
  const auto path = dir / "d.h5";
  ff::DatasetWriter writer(path, layout, {});
  for (long s = 0; s < 23; ++s) {
    std::vector<double> a(24, double(s)), u(48);
    for (int i = 0; i < 48; ++i) u[i] = s + (i < 24 ? 0.25 : 0.5);
    writer.write_sample("inputs/a", s, a.data());
    writer.write_sample("outputs/u", s, u.data());
  }
  writer.commit();
  return path;
}

DataLoaderOptions a_to_u(long batch_size) {
  DataLoaderOptions o;
  o.inputs = {"inputs/a"};
  o.targets = {"outputs/u"};
  o.batch_size = batch_size;
  return o;
}

TEST(DataLoader, SeededEpochsVisitEverySampleOnceWithMatchingTargets) {
  TempDir dir;
  ff::DatasetReader reader(write_dataset(dir.path()));
  DataLoaderOptions o = a_to_u(5);
  o.seed = 3;
  DataLoader loader(reader, o);
  EXPECT_EQ(loader.batches_per_epoch(), 4);  // 19 = 5 + 5 + 5 + 4
  EXPECT_EQ(loader.input_channels(), 1);
  EXPECT_EQ(loader.target_channels(), 2);

  std::multiset<long> seen;
  for (long b = 0; b < loader.batches_per_epoch(); ++b) {
    const Batch batch = loader.batch(2, b);
    EXPECT_EQ(batch.input.sizes(), (std::vector<int64_t>{long(batch.samples.size()), 1, 4, 6}));
    EXPECT_EQ(batch.target.sizes(), (std::vector<int64_t>{long(batch.samples.size()), 2, 4, 6}));
    for (std::size_t i = 0; i < batch.samples.size(); ++i) {
      const double s = batch.samples[i];
      EXPECT_TRUE(torch::all(batch.input[i] == s).item<bool>());
      EXPECT_TRUE(torch::all(batch.target[i][1] == s + 0.5).item<bool>());
      seen.insert(batch.samples[i]);
    }
  }
  std::multiset<long> train;
  for (long s = 0; s < 19; ++s) train.insert(s);
  EXPECT_EQ(seen, train);

  EXPECT_EQ(loader.order(2), DataLoader(reader, o).order(2)) << "same seed and epoch, same order";
  EXPECT_NE(loader.order(2), loader.order(3));
  o.seed = 4;
  EXPECT_NE(loader.order(2), DataLoader(reader, o).order(2));
  o.split = "test";
  o.shuffle = false;
  const DataLoader test(reader, o);
  EXPECT_EQ(test.order(0), (std::vector<long>{0, 1, 2, 3}));
  EXPECT_EQ(test.batch(0, 0).samples, (std::vector<long>{19, 20, 21, 22}));
}

TEST(DataLoader, SampleRangesSplitTrainIntoFittingAndHeldOutParts) {
  TempDir dir;
  ff::DatasetReader reader(write_dataset(dir.path()));
  DataLoaderOptions o = a_to_u(4);
  o.end = 15;  // train samples 0..14 fit, 15..18 are held out
  const DataLoader fitting(reader, o);
  EXPECT_EQ(fitting.examples(), 15);
  std::set<long> seen;
  for (long b = 0; b < fitting.batches_per_epoch(); ++b)
    for (long s : fitting.batch(1, b).samples) seen.insert(s);
  EXPECT_EQ(seen.size(), 15u);
  EXPECT_EQ(*seen.rbegin(), 14);

  o.begin = 15;
  o.end = 0;
  o.shuffle = false;
  const DataLoader held_out(reader, o);
  EXPECT_EQ(held_out.split(), (std::vector<long>{15, 16, 17, 18}));
  EXPECT_TRUE(torch::all(held_out.batch(0, 0).input[3] == 18.0).item<bool>());

  o.split = "test";  // positions within the split, not dataset indices
  o.begin = 1;
  EXPECT_EQ(DataLoader(reader, o).split(), (std::vector<long>{20, 21, 22}));
  o.split = "train";
  o.begin = 19;  // past the 19 train samples
  EXPECT_THROW(DataLoader(reader, o), ff::InputError);
  o.begin = 0;
  o.end = 20;
  EXPECT_THROW(DataLoader(reader, o), ff::InputError);
}

TEST(GaussianNormalizer, TrainingDataBecomesStandardPerPoint) {
  TempDir dir;
  ff::DatasetReader reader(write_dataset(dir.path()));
  DataLoader loader(reader, a_to_u(4));
  const auto normalizer = GaussianNormalizer::fit(loader).second;
  EXPECT_EQ(normalizer.mean().sizes(), (std::vector<int64_t>{2, 4, 6}));
  // Train targets are s + 0.25 and s + 0.5 for s = 0..18: mean 9.25 / 9.5,
  // population standard deviation sqrt((19² − 1) / 12).
  EXPECT_NEAR(normalizer.mean()[0][1][2].item<double>(), 9.25, 1e-5);
  EXPECT_NEAR(normalizer.mean()[1][3][5].item<double>(), 9.5, 1e-5);
  EXPECT_NEAR(normalizer.std()[1][0][0].item<double>(), std::sqrt((19.0 * 19 - 1) / 12), 1e-5);

  std::vector<torch::Tensor> encoded;
  for (long b = 0; b < loader.batches_per_epoch(); ++b) encoded.push_back(normalizer.encode(loader.batch(0, b).target));
  const auto all = torch::cat(encoded);
  EXPECT_LT(all.mean(0).abs().max().item<double>(), 1e-5);
  EXPECT_LT((all.std(0, /*unbiased=*/false) - 1).abs().max().item<double>(), 1e-4);
  const auto batch = loader.batch(1, 0).target;
  EXPECT_LT((normalizer.decode(normalizer.encode(batch)) - batch).abs().max().item<double>(), 1e-5);
  EXPECT_THROW(normalizer.encode(loader.batch(0, 0).input), ff::InputError);  // 1 channel, fitted on 2
}

// 5 trajectories of 7 steps on a 3×4 grid: value 100·sample + step + p/100
// at the row-major grid point p.
std::filesystem::path write_trajectories(const std::filesystem::path& dir) {
  ff::DatasetLayout layout;
  layout.n_samples = 5;
  layout.grid.shape = {3, 4};
  layout.grid.extent = {1.0, 1.0};
  layout.fields.push_back({"outputs/w", {7, 3, 4}, ff::DType::float32, {}});
  layout.split_contiguous(3, 2);
  const auto path = dir / "w.h5";
  ff::DatasetWriter writer(path, layout, {});
  for (long s = 0; s < 5; ++s) {
    std::vector<double> w(7 * 12);
    for (int i = 0; i < 7 * 12; ++i) w[i] = 100.0 * s + i / 12 + (i % 12) / 100.0;
    writer.write_sample("outputs/w", s, w.data());
  }
  writer.commit();
  return path;
}

TEST(DataLoader, WindowsCutTrajectoriesIntoConsecutiveStepsAndTheNextOne) {
  TempDir dir;
  ff::DatasetReader reader(write_trajectories(dir.path()));
  DataLoaderOptions o;
  o.inputs = o.targets = {"outputs/w"};
  o.window = 3;
  o.batch_size = 5;
  o.seed = 9;
  DataLoader loader(reader, o);
  EXPECT_EQ(loader.windows_per_sample(), 4);  // starts 0..3 of 7 steps
  EXPECT_EQ(loader.examples(), 12);
  EXPECT_EQ(loader.input_channels(), 3);
  EXPECT_EQ(loader.target_channels(), 1);
  std::set<double> starts_seen;
  for (long b = 0; b < loader.batches_per_epoch(); ++b) {
    const Batch batch = loader.batch(1, b);
    ASSERT_EQ(batch.input.size(1), 3);
    ASSERT_EQ(batch.target.size(1), 1);
    for (int64_t i = 0; i < batch.input.size(0); ++i) {
      const double first = batch.input[i][0][0][0].item<double>();
      EXPECT_EQ(std::floor(first / 100), batch.samples[i]);
      for (int t = 0; t < 3; ++t) EXPECT_NEAR(batch.input[i][t][2][3].item<double>(), first + t + 0.11, 1e-4);
      EXPECT_NEAR(batch.target[i][0][1][1].item<double>(), first + 3 + 0.05, 1e-4);
      starts_seen.insert(first);
    }
  }
  EXPECT_EQ(starts_seen.size(), 12u) << "every window of the train split once per epoch";

  o.begin = 2;  // the last train trajectory alone: all its windows, none of another's
  DataLoader last(reader, o);
  EXPECT_EQ(last.examples(), 4);
  for (long b = 0; b < last.batches_per_epoch(); ++b)
    for (long s : last.batch(0, b).samples) EXPECT_EQ(s, 2);
  EXPECT_NEAR(last.batch(0, 0).input.min().item<double>(), 200.0, 1e-4);
  o.begin = 0;

  o.subsample = 2;  // rows 0, 2 and columns 0, 2
  const Batch coarse = DataLoader(reader, o).batch(0, 0);
  ASSERT_EQ(coarse.input.sizes(), (std::vector<int64_t>{5, 3, 2, 2}));
  EXPECT_NEAR(coarse.input[0][0][1][1].item<double>() - coarse.input[0][0][0][0].item<double>(), 0.10, 1e-4);
  o.subsample = 1;

  o.targets = {"outputs/w", "outputs/w"};  // windows take one trajectory field
  EXPECT_THROW(DataLoader(reader, o), ff::InputError);
  o.targets = o.inputs;
  o.window = 7;  // no step left for the target
  EXPECT_THROW(DataLoader(reader, o), ff::InputError);
}

// Trajectories of 2-component fields: value 100·sample + 10·step + component.
TEST(DataLoader, WindowsOfVectorTrajectoriesKeepComponentsStepMajor) {
  TempDir dir;
  ff::DatasetLayout layout;
  layout.n_samples = 2;
  layout.grid.shape = {4, 2};
  layout.grid.extent = {1.0, 1.0};
  layout.fields.push_back({"outputs/u", {5, 2, 4, 2}, ff::DType::float32, {}, 2});
  layout.split_contiguous(2, 0);
  const auto path = dir.path() / "u.h5";
  {
    ff::DatasetWriter writer(path, layout, {});
    for (long s = 0; s < 2; ++s) {
      std::vector<double> u(5 * 2 * 8);
      for (int i = 0; i < 80; ++i) u[i] = 100.0 * s + 10 * (i / 16) + (i / 8) % 2;
      writer.write_sample("outputs/u", s, u.data());
    }
    writer.commit();
  }
  ff::DatasetReader reader(path);
  DataLoaderOptions o;
  o.inputs = o.targets = {"outputs/u"};
  o.window = 2;
  o.batch_size = 6;
  o.subsample = 2;
  DataLoader loader(reader, o);
  EXPECT_EQ(loader.windows_per_sample(), 3);
  EXPECT_EQ(loader.input_channels(), 4);
  EXPECT_EQ(loader.target_channels(), 2);
  const Batch batch = loader.batch(0, 0);
  ASSERT_EQ(batch.input.sizes(), (std::vector<int64_t>{6, 4, 2, 1}));
  ASSERT_EQ(batch.target.sizes(), (std::vector<int64_t>{6, 2, 2, 1}));
  for (int64_t i = 0; i < 6; ++i) {
    const double first = batch.input[i][0][1][0].item<double>();  // step t, component 0
    for (int c = 0; c < 4; ++c) EXPECT_NEAR(batch.input[i][c][0][0].item<double>(), first + 10 * (c / 2) + c % 2, 1e-5);
    for (int c = 0; c < 2; ++c) EXPECT_NEAR(batch.target[i][c][1][0].item<double>(), first + 20 + c, 1e-5);
  }
}

TEST(GaussianNormalizer, ResamplingInterpolatesOntoPeriodicAndClosedGrids) {
  // mean = x + 2y on [0,1)², linear along both axes except where a periodic
  // axis wraps: on the nodes shared with the coarse grid it is reproduced.
  const int n = 4;
  auto mean = torch::empty({1, n, n});
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) mean[0][i][j] = double(i) / n + 2.0 * j / n;
  const GaussianNormalizer coarse(mean, torch::ones_like(mean));
  const auto fine = coarse.resampled({8, 8}, /*periodic=*/true);
  ASSERT_EQ(fine.mean().sizes(), (std::vector<int64_t>{1, 8, 8}));
  EXPECT_NEAR(fine.mean()[0][2][4].item<double>(), 0.25 + 1.0, 1e-6);    // a coarse node
  EXPECT_NEAR(fine.mean()[0][3][1].item<double>(), 0.375 + 0.25, 1e-6);  // interior: exact for a linear field
  // x = 7/8 lies between the last node 3/4 and the wrapped first node 0.
  EXPECT_NEAR(fine.mean()[0][7][0].item<double>(), 0.5 * (0.75 + 0.0), 1e-6);
  EXPECT_NEAR(fine.std().sum().item<double>(), 64, 1e-5);

  // On a closed grid the nodes j/(n−1) include both ends: 4 -> 7 halves the spacing.
  const auto closed = coarse.resampled({7, 7}, /*periodic=*/false);
  EXPECT_NEAR(closed.mean()[0][6][6].item<double>(), mean[0][3][3].item<double>(), 1e-6);
  EXPECT_NEAR(closed.mean()[0][1][0].item<double>(), 0.5 * mean[0][1][0].item<double>(), 1e-6);
  EXPECT_THROW(coarse.resampled({8}, true), ff::InputError);
}

TEST(DataLoader, FieldsOffTheGridAreInputErrors) {
  TempDir dir;
  ff::DatasetReader reader(write_dataset(dir.path()));
  DataLoaderOptions o = a_to_u(5);
  o.inputs = {"inputs/missing"};
  EXPECT_THROW(DataLoader(reader, o), ff::InputError);
  o.inputs = {"inputs/a"};
  o.split = "validation";
  EXPECT_THROW(DataLoader(reader, o), ff::InputError);
}

}  // namespace
