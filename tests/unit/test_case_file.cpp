#include "apps/stage_registry.hpp"
#include "core/error.hpp"
#include "io/case_file.hpp"

#include <gtest/gtest.h>

namespace {

ff::Case parse(const std::string& text, std::vector<std::string> overrides = {}, bool smoke = false) {
  return ff::parse_case(text, "case.yaml", ff::stage_registry(), {std::move(overrides), smoke, true});
}

std::string error_of(const std::string& text, std::vector<std::string> overrides = {}) {
  try {
    parse(text, std::move(overrides));
  } catch (const ff::InputError& e) {
    return e.what();
  }
  return "no error";
}

const char* kTwoStages = R"(
case: demo
seed: 4
stages:
  - name: data
    type: generate.grf
    grid: {n: 32}
  - name: spectrum
    type: analyze.spectrum
    data: ${data.out}
    field: inputs/${data.field}
)";

TEST(CaseFile, FillsDefaultsAndResolvesReferences) {
  const ff::Case c = parse(kTwoStages);
  EXPECT_EQ(c.name, "demo");
  EXPECT_EQ(c.output, "runs/demo");
  EXPECT_EQ(c.seed, 4u);
  ASSERT_EQ(c.stages.size(), 2u);
  const auto& data = c.stages[0].config;
  EXPECT_EQ(data["grid"]["n"].as<int>(), 32);
  EXPECT_EQ(data["grid"]["dim"].as<int>(), 2);  // default
  EXPECT_EQ(data["dtype"].as<std::string>(), "float32");
  const auto& spectrum = c.stages[1].config;
  EXPECT_EQ(spectrum["data"].as<std::string>(), "runs/demo/data/grf.h5");
  EXPECT_EQ(spectrum["field"].as<std::string>(), "inputs/a");
  EXPECT_EQ(c.stages[1].depends_on, std::vector<std::string>{"data"});
  EXPECT_EQ(c.stages[1].output_dir, "runs/demo/spectrum");
}

TEST(CaseFile, WholeValueReferencesKeepTheirType) {
  const ff::Case c = parse(R"(
case: typed
stages:
  - name: a
    type: generate.grf
    grid: {n: 24, dim: 1}
  - name: b
    type: generate.grf
    grid:
      n: ${a.grid.n}
      dim: ${a.grid.dim}
)");
  EXPECT_EQ(c.stages[1].config["grid"]["n"].as<int>(), 24);
  EXPECT_EQ(c.stages[1].config["grid"]["dim"].as<int>(), 1);
}

TEST(CaseFile, HashesFollowTheResolvedConfig) {
  const ff::Case base = parse(kTwoStages);
  EXPECT_EQ(base.stages[0].hash, parse(kTwoStages).stages[0].hash);
  // A default written out explicitly is the same config.
  EXPECT_EQ(base.stages[0].hash, parse(kTwoStages, {"stages.data.dtype=float32"}).stages[0].hash);
  const ff::Case changed = parse(kTwoStages, {"stages.data.grid.n=16"});
  EXPECT_NE(base.stages[0].hash, changed.stages[0].hash);
  // The downstream stage's own keys are unchanged, but its input is not.
  EXPECT_NE(base.stages[1].hash, changed.stages[1].hash);
  EXPECT_NE(base.stages[0].hash, parse(kTwoStages, {"seed=5"}).stages[0].hash);
}

TEST(CaseFile, OverridesGoThroughValidation) {
  const ff::Case c = parse(kTwoStages, {"stages.data.samples.train=7", "output=elsewhere"});
  EXPECT_EQ(c.stages[0].config["samples"]["train"].as<long>(), 7);
  EXPECT_EQ(c.output, "elsewhere");
  EXPECT_EQ(c.stages[1].config["data"].as<std::string>(), "elsewhere/data/grf.h5");

  EXPECT_NE(error_of(kTwoStages, {"stages.data.grid.n=abc"})
                .find("command line override 'stages.data.grid.n=abc': stages[0].grid.n: expected an integer"),
            std::string::npos);
  EXPECT_NE(error_of(kTwoStages, {"stages.dta.grid.n=3"}).find("no stage named 'dta' (did you mean 'data'?)"),
            std::string::npos);
  EXPECT_NE(error_of(kTwoStages, {"stages.data.gird.n=3"}).find("stages[0].gird: unknown key (did you mean 'grid'?)"),
            std::string::npos);
  EXPECT_NE(error_of(kTwoStages, {"novalue"}).find("expected key.path=value"), std::string::npos);
}

TEST(CaseFile, SmokeCapsSizesAndMovesTheOutput) {
  const ff::Case c = parse(kTwoStages, {}, /*smoke=*/true);
  EXPECT_EQ(c.output, "runs/demo-smoke");
  EXPECT_EQ(c.stages[0].config["grid"]["n"].as<int>(), 16);
  EXPECT_EQ(c.stages[0].config["samples"]["train"].as<long>(), 4);
  EXPECT_EQ(c.stages[0].config["samples"]["test"].as<long>(), 0);  // below its cap: unchanged
}

TEST(CaseFile, ReportsEveryProblemOfAPhaseAtOnce) {
  const std::string message = error_of(R"(
case: many
stages:
  - name: data
    type: generate.grf
    grid: {dim: 9, n: 2}
    dtype: half
)");
  EXPECT_NE(message.find("case.yaml:6:17: stages[0].grid.dim"), std::string::npos) << message;
  EXPECT_NE(message.find("case.yaml:6:23: stages[0].grid.n"), std::string::npos) << message;
  EXPECT_NE(message.find("case.yaml:7:12: stages[0].dtype"), std::string::npos) << message;
}

// The resolved case stored in every output file is itself a valid case with
// the same stage configs (its references are already paths, so the files
// they name need not exist yet).
TEST(CaseFile, ResolvedYamlParsesBackToTheSameConfigs) {
  const ff::Case c = parse(kTwoStages);
  const ff::Case again = ff::parse_case(c.resolved_yaml(), "resolved.yaml", ff::stage_registry(), {{}, false, false});
  ASSERT_EQ(again.stages.size(), c.stages.size());
  for (std::size_t i = 0; i < c.stages.size(); ++i)
    EXPECT_EQ(YAML::Dump(again.stages[i].config), YAML::Dump(c.stages[i].config));
}

}  // namespace
