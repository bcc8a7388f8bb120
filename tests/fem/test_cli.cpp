// The finite-element stages driven through the `fieldforge` executable:
// their configuration errors (tests/data/bad_cases/fem/, the same contract
// as tests/cli/test_bad_cases.cpp: exit 2, a file:line:col message with the
// `# expect:` fragment, nothing written) and a failed solve (exit 1 with
// PETSc's reason, no finished-looking dataset). A separate binary from
// test_fem, which runs inside PETSc/MPI and must not start MPI programs.
#include "../cli/subprocess.hpp"
#include "../unit/temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

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
  const auto result = run_command(fieldforge_binary() + " run configs/darcy_data.yaml --smoke output=" +
                                      (dir / "out").string() + " -- -ksp_max_it 2",
                                  source_dir());
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("did not converge: DIVERGED_ITS after 2 iterations, residual norm"), std::string::npos)
      << result.output;
  for (const auto& entry : fs::recursive_directory_iterator(dir.path()))
    EXPECT_NE(entry.path().extension(), ".h5") << entry.path();
}

}  // namespace
