#include "io/dataset_writer.hpp"
#include "io/xdmf.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace {

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

TEST(Xdmf, UniformGridListsEverySampleAsAHyperslab) {
  ff::DatasetLayout layout;
  layout.n_samples = 3;
  layout.grid.shape = {8, 4, 2};
  layout.grid.extent = {1.0, 1.0, 2.0};
  layout.fields.push_back({"inputs/a", {8, 4, 2}, ff::DType::float32, {}});
  layout.fields.push_back({"outputs/u", {5, 8, 4, 2}, ff::DType::float64, {}});  // 5 recorded times
  layout.fields.push_back({"params/nu", {}, ff::DType::float32, {}});            // not a field on the grid
  const std::string xml = ff::xdmf_document("d.h5", layout);
  EXPECT_EQ(count(xml, "TopologyType=\"3DCoRectMesh\" Dimensions=\"8 4 2\""), 3);
  EXPECT_EQ(count(xml, "<Attribute Name=\"a\""), 3);
  EXPECT_EQ(count(xml, "<Attribute Name=\"u_t"), 15);
  EXPECT_EQ(count(xml, "nu"), 0);
  EXPECT_NE(xml.find("0.125 0.25 1"), std::string::npos);             // spacing = extent / n per axis
  EXPECT_NE(xml.find("2 0 0 0 1 1 1 1 1 8 4 2"), std::string::npos);  // sample 2 of inputs/a
  EXPECT_NE(xml.find("Precision=\"8\" Dimensions=\"3 5 8 4 2\">d.h5:/outputs/u"), std::string::npos);
}

TEST(Xdmf, VectorFieldsJoinTheirComponents) {
  ff::DatasetLayout layout;
  layout.n_samples = 2;
  layout.grid.shape = {4, 4, 4};
  layout.grid.extent = {1.0, 1.0, 1.0};
  layout.fields.push_back({"inputs/u0", {3, 4, 4, 4}, ff::DType::float32, {}, 3});
  layout.fields.push_back({"outputs/u", {5, 3, 4, 4, 4}, ff::DType::float32, {}, 3});
  layout.fields.push_back({"outputs/spectrum", {5, 4}, ff::DType::float64, {}});  // per time, not on the grid
  const std::string xml = ff::xdmf_document("v.h5", layout);
  EXPECT_EQ(count(xml, "AttributeType=\"Vector\""), 2 * (1 + 5));
  EXPECT_EQ(count(xml, "Function=\"JOIN($0, $1, $2)\" Dimensions=\"4 4 4 3\""), 2 * 6);
  EXPECT_EQ(count(xml, "spectrum"), 0);
  EXPECT_NE(xml.find("1 0 2 0 0 0 1 1 1 1 1 1 1 1 1 4 4 4"), std::string::npos);  // sample 1, component 2 of u0
  EXPECT_NE(xml.find("0 4 1 0 0 0"), std::string::npos);                          // sample 0, time 4, component 1 of u
}

TEST(Xdmf, MeshUsesCellsAndNodes) {
  ff::DatasetLayout layout;
  layout.n_samples = 2;
  layout.grid.kind = "mesh";
  layout.mesh.dim = 2;
  layout.mesh.nodes = {0, 0, 1, 0, 1, 1, 0, 1};
  layout.mesh.cells = {0, 1, 2, 0, 2, 3};
  layout.fields.push_back({"outputs/u", {4}, ff::DType::float64, {}});
  layout.fields.push_back({"inputs/k", {2}, ff::DType::float64, {}});
  const std::string xml = ff::xdmf_document("m.h5", layout);
  EXPECT_NE(xml.find("TopologyType=\"Triangle\" NumberOfElements=\"2\""), std::string::npos);
  EXPECT_NE(xml.find("m.h5:/mesh/cells"), std::string::npos);
  EXPECT_NE(xml.find("GeometryType=\"XY\""), std::string::npos);
  EXPECT_EQ(count(xml, "Name=\"u\" Center=\"Node\""), 2);
  EXPECT_EQ(count(xml, "Name=\"k\" Center=\"Cell\""), 2);
}

TEST(Xdmf, MeshDatasetFileGetsASidecar) {
  ff::test::TempDir dir;
  ff::DatasetLayout layout;
  layout.n_samples = 1;
  layout.grid.kind = "mesh";
  layout.mesh.dim = 2;
  layout.mesh.nodes = {0, 0, 1, 0, 1, 1, 0, 1};
  layout.mesh.nodes_per_cell = 4;
  layout.mesh.cells = {0, 1, 2, 3};
  layout.mesh.cell_type = "quadrilateral";
  layout.fields.push_back({"outputs/u", {4}, ff::DType::float64, {}});
  {
    ff::DatasetWriter writer(dir / "mesh.h5", layout, {});
    const double u[4] = {0, 1, 2, 3};
    writer.write_sample("outputs/u", 0, u);
    writer.commit();
  }
  std::ifstream in(dir / "mesh.xdmf");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("Quadrilateral"), std::string::npos);
}

TEST(Xdmf, OneDimensionalGridsHaveNoSidecar) {
  ff::DatasetLayout layout;
  layout.n_samples = 1;
  layout.grid.shape = {64};
  layout.fields.push_back({"inputs/a", {64}, ff::DType::float32, {}});
  EXPECT_EQ(ff::xdmf_document("x.h5", layout), "");
}

}  // namespace
