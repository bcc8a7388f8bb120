#include "core/error.hpp"
#include "io/dataset_writer.hpp"
#include "io/xdmf.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <fstream>
#include <numeric>
#include <sstream>

namespace {
namespace fs = std::filesystem;

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// All values of `dataset` in `file`, through HDF5 as any reader sees them.
std::vector<double> read_dataset(const fs::path& file, const std::string& dataset) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  EXPECT_GE(f, 0) << file;
  const hid_t d = H5Dopen2(f, dataset.c_str(), H5P_DEFAULT);
  EXPECT_GE(d, 0) << dataset;
  const hid_t space = H5Dget_space(d);
  std::vector<double> values(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  EXPECT_GE(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0);
  H5Sclose(space);
  H5Dclose(d);
  H5Fclose(f);
  return values;
}

// Writes `layout` to `path`, each sample of each field numbered 1000*sample + position.
void write_numbered(const fs::path& path, const ff::DatasetLayout& layout) {
  ff::DatasetWriter writer(path, layout, {});
  for (const ff::FieldSpec& field : layout.fields) {
    std::size_t size = 1;
    for (auto d : field.sample_shape) size *= d;
    std::vector<double> values(size);
    for (long s = 0; s < layout.n_samples; ++s) {
      std::iota(values.begin(), values.end(), 1000.0 * s);
      writer.write_sample(field.path, s, values.data());
    }
  }
  writer.commit();
}

ff::DatasetLayout trajectory_layout() {
  ff::DatasetLayout layout;
  layout.n_samples = 3;
  layout.grid.shape = {4, 6};
  layout.grid.extent = {1.0, 3.0};
  layout.fields.push_back({"inputs/w0", {4, 6}, ff::DType::float32, {}});
  layout.fields.push_back({"outputs/w", {2, 4, 6}, ff::DType::float64, {}});
  layout.fields.push_back({"params/nu", {}, ff::DType::float32, {}});  // not a field on the grid
  layout.times = {0.5, 1.25};
  layout.split_contiguous(3, 0);
  return layout;
}

TEST(Xdmf, TrajectorySidecarStepsThroughTheStoredTimes) {
  ff::test::TempDir dir;
  write_numbered(dir / "ns.h5", trajectory_layout());
  const std::string xml = read_text(dir / "ns.xdmf");
  EXPECT_EQ(count(xml, "<Time Value="), 2);
  EXPECT_NE(xml.find("<Time Value=\"0.5\"/>"), std::string::npos);
  EXPECT_NE(xml.find("<Time Value=\"1.25\"/>"), std::string::npos);
  // a 2D grid is one layer of a 3D one; spacing = extent / n, slowest axis first
  EXPECT_EQ(count(xml, "TopologyType=\"3DCoRectMesh\" Dimensions=\"1 4 6\""), 2);
  EXPECT_NE(xml.find(">1 0.25 0.5</DataItem>"), std::string::npos);
  EXPECT_EQ(count(xml, "HyperSlab"), 0);
  EXPECT_EQ(count(xml, "nu"), 0);
  EXPECT_EQ(count(xml, "ns.xdmf.h5:/w0/s0<"), 2);  // the input, at every time
  EXPECT_EQ(count(xml, "ns.xdmf.h5:/w/s0_t1<"), 1);

  // The companion maps onto the data file: sample 0, time 1 of w.
  const auto w = read_dataset(dir / "ns.xdmf.h5", "/w/s0_t1");
  ASSERT_EQ(w.size(), 24u);
  EXPECT_EQ(w.front(), 24.0);
  EXPECT_EQ(w.back(), 47.0);
  EXPECT_FALSE(fs::exists(dir / "ns_sample1.xdmf"));  // one trajectory by default
}

TEST(Xdmf, NamedSamplesGetASidecarEach) {
  ff::test::TempDir dir;
  const ff::DatasetLayout layout = trajectory_layout();
  write_numbered(dir / "ns.h5", layout);
  const ff::DatasetLayout read = ff::read_dataset_layout(dir / "ns.h5");
  EXPECT_EQ(read.times, layout.times);
  const auto written = ff::write_xdmf_sidecars(dir / "ns.h5", read, {2, 1});
  ASSERT_EQ(written.size(), 2u);
  EXPECT_EQ(written[0], dir / "ns_sample2.xdmf");
  const auto w0 = read_dataset(dir / "ns_sample2.xdmf.h5", "/w0/s2");
  EXPECT_EQ(w0.front(), 2000.0);
  const auto w = read_dataset(dir / "ns_sample1.xdmf.h5", "/w/s1_t0");
  EXPECT_EQ(w.front(), 1000.0);
  EXPECT_THROW(ff::write_xdmf_sidecars(dir / "ns.h5", layout, {3}), ff::InputError);
}

TEST(Xdmf, StaticDatasetsStepThroughSamples) {
  ff::test::TempDir dir;
  ff::DatasetLayout layout;
  layout.n_samples = 3;
  layout.grid.kind = "closed";  // nodes at both ends: spacing = extent / (n - 1)
  layout.grid.shape = {5, 3};
  layout.grid.extent = {1.0, 1.0};
  layout.fields.push_back({"inputs/a", {5, 3}, ff::DType::float32, {}});
  layout.fields.push_back({"outputs/u", {5, 3}, ff::DType::float32, {}});
  layout.split_contiguous(2, 1);
  write_numbered(dir / "darcy.h5", layout);
  const std::string xml = read_text(dir / "darcy.xdmf");
  EXPECT_EQ(count(xml, "<Grid Name=\"sample_"), 3);
  EXPECT_NE(xml.find("<Time Value=\"2\"/>"), std::string::npos);
  EXPECT_NE(xml.find(">1 0.25 0.5</DataItem>"), std::string::npos);
  EXPECT_EQ(read_dataset(dir / "darcy.xdmf.h5", "/u/s2").front(), 2000.0);
}

TEST(Xdmf, VectorsAreThreeComponentArrays) {
  ff::test::TempDir dir;
  ff::DatasetLayout layout;
  layout.n_samples = 1;
  layout.grid.kind = "mesh";
  layout.mesh.dim = 2;
  layout.mesh.nodes = {0, 0, 1, 0, 1, 1, 0, 1};
  layout.mesh.cells = {0, 1, 2, 0, 2, 3};
  layout.fields.push_back({"outputs/u", {2, 4}, ff::DType::float64, {}, 2});  // a 2D displacement
  layout.fields.push_back({"inputs/k", {2}, ff::DType::float64, {}});         // per cell
  layout.split_contiguous(1, 0);
  write_numbered(dir / "m.h5", layout);
  const std::string xml = read_text(dir / "m.xdmf");
  EXPECT_NE(xml.find("TopologyType=\"Triangle\" NumberOfElements=\"2\""), std::string::npos);
  EXPECT_NE(xml.find("GeometryType=\"XY\""), std::string::npos);
  EXPECT_NE(xml.find("Name=\"u\" Center=\"Node\" AttributeType=\"Vector\""), std::string::npos);
  EXPECT_NE(xml.find("Name=\"k\" Center=\"Cell\""), std::string::npos);
  // node-major (x, y, 0) triples of the component-major data
  const auto u = read_dataset(dir / "m.xdmf.h5", "/u/s0");
  EXPECT_EQ(u, (std::vector<double>{0, 4, 0, 1, 5, 0, 2, 6, 0, 3, 7, 0}));
  // `fieldforge xdmf` finds the vector again from the file
  const ff::DatasetLayout read = ff::read_dataset_layout(dir / "m.h5");
  for (const ff::FieldSpec& field : read.fields) EXPECT_EQ(field.components, field.path == "outputs/u" ? 2 : 1);
  EXPECT_EQ(read.mesh.cells, layout.mesh.cells);
}

TEST(Xdmf, OneDimensionalGridsHaveNoSidecar) {
  ff::test::TempDir dir;
  ff::DatasetLayout layout;
  layout.n_samples = 1;
  layout.grid.shape = {64};
  layout.fields.push_back({"inputs/a", {64}, ff::DType::float32, {}});
  layout.split_contiguous(1, 0);
  write_numbered(dir / "x.h5", layout);
  EXPECT_FALSE(fs::exists(dir / "x.xdmf"));
  EXPECT_TRUE(ff::write_xdmf_sidecars(dir / "x.h5", layout).empty());
}

}  // namespace
