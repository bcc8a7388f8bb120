// The finite-element stages driven through the `fieldforge` executable:
// their configuration errors (tests/data/bad_cases/fem/, the same contract
// as tests/cli/test_bad_cases.cpp: exit 2, a file:line:col message with the
// `# expect:` fragment, nothing written) and a failed solve (exit 1 with
// PETSc's reason, no finished-looking dataset). A separate binary from
// test_fem, which runs inside PETSc/MPI and must not start MPI programs.
#include "../cli/subprocess.hpp"
#include "../unit/temp_dir.hpp"
#include "io/dataset_reader.hpp"
#include "io/h5.hpp"

#include <gtest/gtest.h>

#include <hdf5.h>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using namespace ff::test;

std::vector<std::string> fem_bad_cases() {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(fs::path(source_dir()) / "tests/data/bad_cases/fem"))
    if (entry.path().extension() == ".yaml") files.push_back(entry.path().filename().string());
  std::sort(files.begin(), files.end());
  return files;
}

class FemBadCase : public ::testing::TestWithParam<std::string> {};

TEST_P(FemBadCase, ExitsTwoWithLocatedMessageAndWritesNothing) {
  const std::string relative = "tests/data/bad_cases/fem/" + GetParam();
  std::ifstream in(fs::path(source_dir()) / relative);
  std::string first;
  std::getline(in, first);
  ASSERT_EQ(first.rfind("# expect: ", 0), 0u) << relative << " lacks its '# expect:' line";
  const std::string fragment = first.substr(10);
  TempDir dir;
  for (const char* command : {"validate", "run"}) {
    const auto result = run_command(
        fieldforge_binary() + " " + command + " " + relative + " output=" + (dir / "out").string(), source_dir());
    EXPECT_EQ(result.exit_code, 2) << command << ": " << result.output;
    EXPECT_NE(result.output.find(fragment), std::string::npos) << command << ": expected '" << fragment << "' in:\n"
                                                               << result.output;
    EXPECT_NE(result.output.find("fieldforge: error: " + relative + ":"), std::string::npos) << result.output;
    EXPECT_FALSE(fs::exists(dir / "out")) << command;
  }
}

INSTANTIATE_TEST_SUITE_P(ConfigErrors, FemBadCase, ::testing::ValuesIn(fem_bad_cases()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param.substr(0, info.param.size() - 5);
                         });

TEST(FemCli, KrylovFailureExitsOneWithPetscReasonAndLeavesNoDataset) {
  TempDir dir;
  const auto result =
      run_command(fieldforge_binary() + " run configs/darcy_data.yaml --smoke output=" + (dir / "out").string() +
                      " -- -ksp_max_it 2",
                  source_dir());
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("did not converge: DIVERGED_ITS after 2 iterations, residual norm"), std::string::npos)
      << result.output;
  for (const auto& entry : fs::recursive_directory_iterator(dir.path()))
    EXPECT_NE(entry.path().extension(), ".h5") << entry.path();
}

// /mesh/nodes [n_nodes, dim] of a mesh dataset.
std::vector<double> mesh_nodes(const fs::path& file, std::vector<hsize_t>& shape) {
  ff::h5::Handle h5file = ff::h5::file_handle(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open");
  ff::h5::Handle nodes = ff::h5::dataset_handle(H5Dopen2(h5file, "/mesh/nodes", H5P_DEFAULT), "open /mesh/nodes");
  shape = ff::h5::dataset_shape(nodes);
  std::vector<double> values(shape.at(0) * shape.at(1));
  ff::h5::check_status(H5Dread(nodes, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "read");
  return values;
}

// A Newton solve cut short by -snes_max_it exits 1 naming SNES's reason and
// leaves no dataset behind.
TEST(FemCli, NewtonFailureExitsOneWithSnesReasonAndLeavesNoDataset) {
  TempDir dir;
  const auto result = run_command(fieldforge_binary() + " run configs/nonlinear_diffusion.yaml --smoke output=" +
                                      (dir / "out").string() + " -- -snes_max_it 2",
                                  source_dir());
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("Newton  2  |F| = "), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("did not converge: DIVERGED_MAX_IT after 2 iterations, residual norm"),
            std::string::npos)
      << result.output;
  for (const auto& entry : fs::recursive_directory_iterator(dir.path()))
    EXPECT_NE(entry.path().extension(), ".h5") << entry.path();
}

// configs/poisson.yaml in its smoke form: each stage writes a mesh dataset
// with a and u at the nodes and an XDMF sidecar over the same mesh; the
// `linear` stage's exact solution u = 1 - x is reproduced to the solver's
// tolerance (rtol 1e-12 on a system of norm ~1: far below 1e-8).
TEST(FemCli, PoissonStageWritesMeshDatasetsWithXdmfSidecars) {
  TempDir dir;
  const auto result = run_command(
      fieldforge_binary() + " run configs/poisson.yaml --smoke output=" + (dir / "out").string(), source_dir());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  for (const char* stage : {"linear", "darcy"}) {
    const fs::path file = dir.path() / "out-smoke" / stage / "poisson.h5";  // --smoke writes to <output>-smoke
    ASSERT_TRUE(fs::exists(file)) << file;
    const ff::DatasetReader reader(file);
    EXPECT_EQ(reader.grid().kind, "mesh");
    EXPECT_EQ(reader.n_samples(), 1);
    std::vector<hsize_t> shape;
    const std::vector<double> nodes = mesh_nodes(file, shape);
    ASSERT_EQ(shape.size(), 2u);
    EXPECT_EQ(shape[1], 2u);
    // Both smoke meshes have 8 x 8 squares of two triangles.
    EXPECT_EQ(shape[0], 81u) << stage;
    for (const char* field : {"inputs/a", "outputs/u"})
      EXPECT_EQ(reader.sample_shape(field), std::vector<std::uint64_t>{shape[0]}) << stage << " " << field;
    const double iterations = reader.field_attribute("solver/residual_history", "ksp_iterations");
    EXPECT_GT(iterations, 0) << stage;
    EXPECT_EQ(reader.sample_shape("solver/residual_history"), std::vector<std::uint64_t>{std::uint64_t(iterations) + 1})
        << stage;
    EXPECT_GT(reader.field_attribute("solver/residual_history", "solve_seconds"), 0) << stage;

    fs::path sidecar = file;
    sidecar.replace_extension(".xdmf");
    ASSERT_TRUE(fs::exists(sidecar)) << sidecar;
    std::ifstream in(sidecar);
    std::stringstream text;
    text << in.rdbuf();
    for (const std::string fragment :
         {"TopologyType=\"Triangle\" NumberOfElements=\"128\"", "Dimensions=\"128 3\">poisson.h5:/mesh/cells",
          "Dimensions=\"81 2\">poisson.h5:/mesh/nodes", "<Attribute Name=\"a\" Center=\"Node\"",
          "<Attribute Name=\"u\" Center=\"Node\""})
      EXPECT_NE(text.str().find(fragment), std::string::npos) << stage << ": no " << fragment << " in\n" << text.str();
    EXPECT_EQ(text.str().find("residual_history"), std::string::npos) << stage;

    if (std::string(stage) == "linear") {
      const std::vector<double> u = reader.read("outputs/u", 0, 1);
      for (std::size_t k = 0; k < u.size(); ++k) EXPECT_NEAR(u[k], 1 - nodes[2 * k], 1e-9) << "node " << k;
    }
  }
}

// A 3D box (dim 3 and three entries per list) is read the same way by the
// stages that also take a Gmsh file as by the box-only ones: solve.poisson
// and solve.heat run on it and write 3D nodes.
TEST(FemCli, PoissonAndHeatRunOnA3dBox) {
  TempDir dir;
  const std::string box = "    mesh: {dim: 3, cells: [2, 2, 2], simplex: false, lower: [0, 0, 0], upper: [1, 1, 1]}\n";
  std::ofstream(dir / "case.yaml") << "case: box3d\nstages:\n"
                                   << "  - name: poisson\n    type: solve.poisson\n"
                                   << box << "  - name: heat\n    type: solve.heat\n"
                                   << box
                                   << "    steps: 2\n    store_every: 1\n    dirichlet: {parts: left, values: [1.0]}\n";
  const auto result = run_command(
      fieldforge_binary() + " run " + (dir / "case.yaml").string() + " output=" + (dir / "out").string(), source_dir());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  for (const char* file : {"poisson/poisson.h5", "heat/heat.h5"}) {
    std::vector<hsize_t> shape;
    mesh_nodes(dir.path() / "out" / file, shape);
    ASSERT_EQ(shape.size(), 2u) << file;
    EXPECT_EQ(shape[0], 27u) << file;  // 3 x 3 x 3 vertices of 2 x 2 x 2 hexahedra
    EXPECT_EQ(shape[1], 3u) << file;
  }
}

// A coefficient file whose field does not have one value per mesh node is
// bad input: exit 2, naming the file and the field.
TEST(FemCli, PoissonCoefficientFieldOfTheWrongShapeNamesFileAndField) {
  TempDir dir;
  ff::DatasetLayout layout;
  layout.grid.kind = "mesh";
  layout.mesh.nodes = {0, 0, 1, 0, 0, 1, 1, 1};
  layout.mesh.cells = {0, 1, 3, 0, 3, 2};
  layout.fields = {{"inputs/a", {5}, ff::DType::float64, {}}};
  layout.split_contiguous(1, 0);
  ff::DatasetWriter writer(dir / "a.h5", layout, {"made", "by the test", ""});
  const std::vector<double> a(5, 1.0);
  writer.write_sample("inputs/a", 0, a.data());
  writer.commit();
  std::ofstream(dir / "case.yaml") << "case: shape\nstages:\n  - name: poisson\n    type: solve.poisson\n"
                                   << "    coefficient: {kind: file, file: " << (dir / "a.h5").string() << "}\n";
  const auto result = run_command(
      fieldforge_binary() + " run " + (dir / "case.yaml").string() + " output=" + (dir / "out").string(), source_dir());
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find((dir / "a.h5").string() + ": inputs/a: a sample has shape [5], expected [4]"),
            std::string::npos)
      << result.output;
}

}  // namespace
