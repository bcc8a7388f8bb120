// PETSc options per stage, through the `fieldforge` executable (issue 18):
// each stage's solvers carry the stage's name as options prefix ('-' written
// '_'), so `-STAGE_ksp_type` after `--` reaches that stage alone while an
// unprefixed option still reaches every stage; a stage's `petsc:` map goes
// into the options database under its prefix, below the command line;
// -ksp_view, -snes_monitor (plain and prefixed) and -log_view work; options
// nothing read are reported at the end of the run, one warning line each.
//
// The stages' solvers are read back from -ksp_view: "KSP Object: (PREFIX)"
// followed by the KSP's "type: NAME" line.
#include "../cli/subprocess.hpp"
#include "../unit/temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace {

using namespace ff::test;

// Two solve.poisson stages on small boxes; `first_petsc` is the first one's
// `petsc:` map, if any.
std::string two_poisson_stages(const std::string& first, const std::string& first_petsc = "") {
  std::string text = "case: options\nstages:\n";
  text += "  - name: " + first + "\n    type: solve.poisson\n    mesh: {cells: [4, 4]}\n";
  if (!first_petsc.empty()) text += "    petsc: " + first_petsc + "\n";
  text += "  - name: other\n    type: solve.poisson\n    mesh: {cells: [4, 4]}\n";
  return text;
}

class PetscOptions : public ::testing::Test {
 protected:
  // Runs `case_text` into a fresh output folder with `petsc_options` after `--`.
  CommandResult run(const std::string& case_text, const std::string& petsc_options) {
    const std::string name = "run" + std::to_string(++runs_);
    std::ofstream(dir_ / (name + ".yaml")) << case_text;
    return run_command(fieldforge_binary() + " run " + (dir_ / (name + ".yaml")).string() +
                           " output=" + (dir_ / name).string() + " -- " + petsc_options,
                       source_dir());
  }

  TempDir dir_;
  int runs_ = 0;
};

// The type of the KSP with options prefix `prefix` as -ksp_view shows it, or
// "" when no such KSP was viewed.
std::string viewed_ksp_type(const std::string& output, const std::string& prefix) {
  const std::size_t object = output.find("KSP Object: (" + prefix + ") ");
  if (object == std::string::npos) return "";
  const std::size_t type = output.find("type: ", object);
  if (type == std::string::npos) return "";
  const std::size_t begin = type + 6;
  return output.substr(begin, output.find('\n', begin) - begin);
}

std::string unused_warning(const std::string& option) { return "PETSc option " + option + " was not used"; }

TEST_F(PetscOptions, PrefixedCommandLineOptionReachesItsStageAlone) {
  const auto result = run(two_poisson_stages("poisson"), "-poisson_ksp_type gmres -ksp_view");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(viewed_ksp_type(result.output, "poisson_"), "gmres") << result.output;
  EXPECT_EQ(viewed_ksp_type(result.output, "other_"), "cg") << result.output;  // the stage default
  EXPECT_EQ(result.output.find("was not used"), std::string::npos) << result.output;
}

TEST_F(PetscOptions, PrefixedViewShowsItsStageAlone) {
  const auto result = run(two_poisson_stages("poisson"), "-poisson_ksp_view");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(viewed_ksp_type(result.output, "poisson_"), "cg") << result.output;
  EXPECT_EQ(result.output.find("KSP Object: (other_) "), std::string::npos) << result.output;
}

// The `petsc:` map of a stage whose name has a '-': under the prefix
// fine_mesh_, for that stage alone, and below the command line, prefixed or not.
TEST_F(PetscOptions, PetscMapGoesInUnderTheStagePrefixBelowTheCommandLine) {
  const std::string text = two_poisson_stages("fine-mesh", "{ksp_type: gmres, options: \"-ksp_view\"}");
  auto result = run(text, "");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(viewed_ksp_type(result.output, "fine_mesh_"), "gmres") << result.output;
  EXPECT_EQ(result.output.find("KSP Object: (other_) "), std::string::npos) << result.output;

  result = run(text, "-fine_mesh_ksp_type bcgs");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(viewed_ksp_type(result.output, "fine_mesh_"), "bcgs") << result.output;

  result = run(text, "-ksp_type bcgs -fine_mesh_ksp_type tfqmr");  // the prefixed option wins
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(viewed_ksp_type(result.output, "fine_mesh_"), "tfqmr") << result.output;

  result = run(text, "-ksp_type bcgs -ksp_view");  // an unprefixed one still beats the map, in every stage
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(viewed_ksp_type(result.output, "fine_mesh_"), "bcgs") << result.output;
  EXPECT_EQ(viewed_ksp_type(result.output, "other_"), "bcgs") << result.output;
}

TEST_F(PetscOptions, UnusedOptionsAreReportedAtTheEndOfTheRun) {
  auto result = run(two_poisson_stages("poisson"), "-dta_ksp_type cg -poisson_ksp_type gmres -pc_type jacobi");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find(unused_warning("-dta_ksp_type cg")), std::string::npos) << result.output;
  EXPECT_EQ(result.output.find(unused_warning("-poisson_ksp_type")), std::string::npos) << result.output;
  EXPECT_EQ(result.output.find(unused_warning("-pc_type")), std::string::npos) << result.output;
  // The warnings come last, after the stages' own lines.
  EXPECT_GT(result.output.find(unused_warning("-dta_ksp_type")), result.output.rfind("other: wrote")) << result.output;

  // A misspelt entry of a stage's `options` string, named under the stage's prefix.
  result = run(two_poisson_stages("poisson", "{options: \"-ksp_monitr -ksp_norm_type unpreconditioned\"}"), "");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find(unused_warning("-poisson_ksp_monitr (from petsc.options, prefix poisson_)")),
            std::string::npos)
      << result.output;
  EXPECT_EQ(result.output.find(unused_warning("-poisson_ksp_norm_type")), std::string::npos) << result.output;
}

TEST_F(PetscOptions, SnesMonitorPlainAndPrefixed) {
  std::ifstream in(source_dir() + "/configs/nonlinear_diffusion.yaml");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const char* option : {"-snes_monitor", "-conduction_snes_monitor"}) {
    const auto result = run(text, option);
    ASSERT_EQ(result.exit_code, 0) << option << "\n" << result.output;
    EXPECT_NE(result.output.find("0 SNES Function norm"), std::string::npos) << option << "\n" << result.output;
    EXPECT_EQ(result.output.find("was not used"), std::string::npos) << option << "\n" << result.output;
  }
  const auto result = run(text, "-heat_snes_monitor");  // no stage of that name
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output.find("SNES Function norm"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find(unused_warning("-heat_snes_monitor")), std::string::npos) << result.output;
}

TEST_F(PetscOptions, LogViewPrintsPetscsSummary) {
  const auto result = run(two_poisson_stages("poisson"), "-log_view");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("PETSc Performance Summary"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("KSPSolve"), std::string::npos) << result.output;
  EXPECT_EQ(result.output.find("was not used"), std::string::npos) << result.output;
}

}  // namespace
