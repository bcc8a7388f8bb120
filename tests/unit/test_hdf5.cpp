#include "core/error.hpp"
#include "io/dataset_reader.hpp"
#include "io/dataset_writer.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

namespace {

using ff::test::TempDir;
namespace fs = std::filesystem;

// Values exactly representable in float32, so both dtypes round-trip exactly.
double value_at(long sample, std::size_t i) { return sample * 1000.0 + i * 0.25 - 3.5; }

ff::DatasetLayout layout_with(std::vector<std::uint64_t> shape, ff::DType dtype, long n) {
  ff::DatasetLayout layout;
  layout.n_samples = n;
  layout.grid.shape.assign(shape.begin(), shape.end());
  layout.grid.extent.assign(shape.size(), 1.0);
  layout.fields.push_back({"inputs/a", shape, dtype, {{"alpha", 2.5}}});
  layout.fields.push_back({"params/nu", {}, dtype, {}});
  layout.times = {0.0, 0.5};
  layout.train.resize(n - 2);
  std::iota(layout.train.begin(), layout.train.end(), 0L);
  layout.test = {n - 2, n - 1};
  return layout;
}

class RoundTrip : public ::testing::TestWithParam<std::tuple<ff::DType, int>> {};

TEST_P(RoundTrip, EveryDtypeAndRank) {
  const auto [dtype, rank] = GetParam();
  const std::vector<std::vector<std::uint64_t>> shapes{{5}, {4, 3}, {3, 4, 2}, {2, 3, 2, 2}};
  const auto shape = shapes[rank - 1];
  const long n = 6;
  TempDir dir;
  const fs::path path = dir / "data.h5";
  std::size_t per_sample = 1;
  for (auto d : shape) per_sample *= d;
  {
    ff::DatasetWriter writer(path, layout_with(shape, dtype, n), {"case", "stage", "case: yaml"});
    EXPECT_FALSE(fs::exists(path)) << "the final name appears only at commit";
    for (long s = 0; s < n; ++s) {
      std::vector<double> v(per_sample);
      for (std::size_t i = 0; i < per_sample; ++i) v[i] = value_at(s, i);
      writer.write_sample("inputs/a", s, v.data());
      const double nu = 0.125 * s;
      writer.write_sample("params/nu", s, &nu);
    }
    writer.commit();
  }
  ASSERT_TRUE(fs::exists(path));
  EXPECT_FALSE(fs::exists(dir / "data.h5.partial"));

  ff::DatasetReader reader(path);
  EXPECT_EQ(reader.n_samples(), n);
  EXPECT_EQ(reader.sample_shape("inputs/a"), shape);
  EXPECT_EQ(reader.fields(), (std::vector<std::string>{"inputs/a", "params/nu"}));
  EXPECT_EQ(reader.grid().kind, "periodic");
  EXPECT_EQ(reader.grid().shape, std::vector<long>(shape.begin(), shape.end()));
  EXPECT_EQ(reader.root_attribute("case"), "case: yaml");
  EXPECT_EQ(reader.root_attribute("stage"), "stage");
  EXPECT_DOUBLE_EQ(reader.field_attribute("inputs/a", "alpha"), 2.5);
  EXPECT_EQ(reader.split("test"), (std::vector<long>{n - 2, n - 1}));

  const auto all = reader.read("inputs/a", 0, n);
  for (long s = 0; s < n; ++s)
    for (std::size_t i = 0; i < per_sample; ++i) ASSERT_EQ(all[s * per_sample + i], value_at(s, i));
  const auto picked = reader.read_indices("params/nu", {4, 1});
  EXPECT_EQ(picked, (std::vector<double>{0.5, 0.125}));
}

INSTANTIATE_TEST_SUITE_P(Hdf5, RoundTrip,
                         ::testing::Combine(::testing::Values(ff::DType::float32, ff::DType::float64),
                                            ::testing::Values(1, 2, 3, 4)));

TEST(Hdf5, Float32StorageRoundsToNearestFloat) {
  TempDir dir;
  ff::DatasetLayout layout = layout_with({3}, ff::DType::float32, 3);
  {
    ff::DatasetWriter writer(dir / "f.h5", layout, {});
    for (long s = 0; s < 3; ++s) {
      const double v[3] = {0.1, 1.0 / 3.0, -2.0e-7};
      const double nu = 0;
      writer.write_sample("inputs/a", s, v);
      writer.write_sample("params/nu", s, &nu);
    }
    writer.commit();
  }
  const auto back = ff::DatasetReader(dir / "f.h5").read("inputs/a", 1, 1);
  EXPECT_EQ(back[0], static_cast<double>(0.1f));
  EXPECT_EQ(back[1], static_cast<double>(1.0f / 3.0f));
  EXPECT_EQ(back[2], static_cast<double>(-2.0e-7f));
}

TEST(Hdf5, BatchStreamFollowsTheGivenOrder) {
  TempDir dir;
  {
    ff::DatasetWriter writer(dir / "b.h5", layout_with({2}, ff::DType::float64, 7), {});
    for (long s = 0; s < 7; ++s) {
      const double v[2] = {double(s), -double(s)};
      writer.write_sample("inputs/a", s, v);
      writer.write_sample("params/nu", s, v);
    }
    writer.commit();
  }
  ff::DatasetReader reader(dir / "b.h5");
  const std::vector<long> order{6, 2, 0, 5, 1, 3, 4};
  ff::BatchStream stream(reader, "inputs/a", order, 3);
  std::vector<double> values;
  std::vector<long> indices, seen;
  std::vector<std::size_t> sizes;
  while (stream.next(values, indices)) {
    sizes.push_back(indices.size());
    for (std::size_t b = 0; b < indices.size(); ++b) EXPECT_EQ(values[2 * b], double(indices[b]));
    seen.insert(seen.end(), indices.begin(), indices.end());
  }
  EXPECT_EQ(seen, order);
  EXPECT_EQ(sizes, (std::vector<std::size_t>{3, 3, 1}));
}

TEST(Hdf5, UncommittedWriterLeavesNoFile) {
  TempDir dir;
  {
    ff::DatasetWriter writer(dir / "x.h5", layout_with({4}, ff::DType::float32, 3), {});
    const double v[4] = {1, 2, 3, 4};
    writer.write_sample("inputs/a", 0, v);
    EXPECT_TRUE(fs::exists(dir / "x.h5.partial"));
  }  // e.g. an exception unwinds past the writer
  EXPECT_FALSE(fs::exists(dir / "x.h5"));
  EXPECT_FALSE(fs::exists(dir / "x.h5.partial"));
}

TEST(Hdf5, NonFiniteValuesAreRejectedWithTheirSample) {
  TempDir dir;
  ff::DatasetWriter writer(dir / "n.h5", layout_with({3}, ff::DType::float32, 3), {});
  const double v[3] = {1, std::nan(""), 3};
  try {
    writer.write_sample("inputs/a", 2, v);
    FAIL() << "expected a RunError";
  } catch (const ff::RunError& e) {
    EXPECT_NE(std::string(e.what()).find("sample 2 of inputs/a has a non-finite value (nan) at element 1"),
              std::string::npos)
        << e.what();
  }
}

TEST(Hdf5, ReaderRejectsFilesThatAreNotDatasets) {
  const fs::path data = fs::path(FIELDFORGE_SOURCE_DIR) / "tests" / "data";
  EXPECT_THROW(ff::DatasetReader(data / "missing.h5"), ff::InputError);
  EXPECT_THROW(ff::DatasetReader(data / "README.md"), ff::InputError);
  EXPECT_THROW(ff::DatasetReader(data / "not_fieldforge.h5"), ff::InputError);
  EXPECT_THROW(ff::DatasetReader(data / "no_grid.h5"), ff::InputError);
}

}  // namespace
