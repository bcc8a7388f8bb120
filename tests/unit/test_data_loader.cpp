#include "core/error.hpp"
#include "io/dataset_writer.hpp"
#include "operators/data_loader.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

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

TEST(DataLoader, SeededEpochsVisitEverySampleOnceWithMatchingTargets) {
  TempDir dir;
  ff::DatasetReader reader(write_dataset(dir.path()));
  DataLoaderOptions o;
  o.inputs = {"inputs/a"};
  o.targets = {"outputs/u"};
  o.batch_size = 5;
  o.seed = 3;
  DataLoader loader(reader, o);
  EXPECT_EQ(loader.batches_per_epoch(), 4);  // 19 = 5 + 5 + 5 + 4

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
  EXPECT_EQ(DataLoader(reader, o).order(0), (std::vector<long>{19, 20, 21, 22}));
}

TEST(DataLoader, FieldsOffTheGridAreInputErrors) {
  TempDir dir;
  ff::DatasetReader reader(write_dataset(dir.path()));
  DataLoaderOptions o;
  o.inputs = {"inputs/missing"};
  o.targets = {"outputs/u"};
  EXPECT_THROW(DataLoader(reader, o), ff::InputError);
  o.inputs = {"inputs/a"};
  o.split = "validation";
  EXPECT_THROW(DataLoader(reader, o), ff::InputError);
}

}  // namespace
